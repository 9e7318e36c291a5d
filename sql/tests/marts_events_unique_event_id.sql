-- event_id is unique in marts.events
-- severity: error
select event_id, count(*) as n
from marts.events
group by event_id
having count(*) > 1
