-- body_text[trigger_start:trigger_end] == trigger for every candidate with trigger offsets
-- severity: warn
select c.doc_id, c.candidate_no, c.trigger_start, c.trigger_end, c.trigger
from staging.event_candidates as c
join staging.documents as d using (doc_id)
where (c.trigger_start is not null or c.trigger_end is not null)
  and substr(d.body_text, c.trigger_start + 1, c.trigger_end - c.trigger_start) is distinct from c.trigger
