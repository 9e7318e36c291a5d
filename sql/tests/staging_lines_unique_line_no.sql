-- (doc_id, line_no) is unique in staging.lines
-- severity: error
select doc_id, line_no, count(*) as n
from staging.lines
group by doc_id, line_no
having count(*) > 1
