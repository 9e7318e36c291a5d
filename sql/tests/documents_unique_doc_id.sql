-- every document appears once
select doc_id, count(*) as n
from staging.documents
group by doc_id
having count(*) > 1
