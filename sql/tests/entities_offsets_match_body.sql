-- body_text[char_start:char_end] == text for every entity
-- severity: warn
select e.doc_id, e.char_start, e.char_end, e.text
from staging.entities as e
join staging.documents as d using (doc_id)
where substr(d.body_text, e.char_start + 1, e.char_end - e.char_start) is distinct from e.text
