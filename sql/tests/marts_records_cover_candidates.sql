-- every event candidate became exactly one event record
-- severity: error
with records as (
    select record_id, count(*) as n from marts.event_records group by record_id
)

select c.doc_id, c.candidate_no, r.n
from staging.event_candidates as c
left join records as r on r.record_id = c.doc_id || '-' || c.candidate_no
where r.n is distinct from 1
