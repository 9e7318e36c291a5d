-- every event record belongs to an event of marts.events (negated and possible records report none)
-- severity: error
select r.record_id, r.event_id
from marts.event_records as r
anti join marts.events as e on e.event_id = r.event_id
where not (r.event_id is null and r.factuality in ('negated', 'possible'))
