-- exactly one main record per document that has records
-- severity: warn
select doc_id, count(*) filter (where is_main) as n_main
from marts.event_records
group by doc_id
having count(*) filter (where is_main) <> 1
