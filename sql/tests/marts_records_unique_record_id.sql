-- record_id is unique in marts.event_records
-- severity: error
select record_id, count(*) as n
from marts.event_records
group by record_id
having count(*) > 1
