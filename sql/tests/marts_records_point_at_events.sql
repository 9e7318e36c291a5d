-- every event record that reports an event (asserted or future) belongs to an event of
-- marts.events; a negated or possible one belongs to none
-- severity: error
select r.record_id, r.event_id, r.factuality
from marts.event_records as r
left join marts.events as e on e.event_id = r.event_id
where (r.factuality in ('negated', 'possible')) <> (r.event_id is null)
    or (r.event_id is not null and e.event_id is null)
