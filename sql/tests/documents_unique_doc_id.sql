-- every document appears once
-- severity: error
select doc_id, count(*) as n
from staging.documents
group by doc_id
having count(*) > 1
