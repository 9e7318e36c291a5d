-- the people each document names in its lead (first 1,500 characters of the body): the last word
-- of each person's canonical name, lower-cased without accents, so two stories can be compared by
-- who they are about
select
    n.doc_no,
    list(distinct lower(strip_accents(regexp_extract(coalesce(e.canonical, e.text), '([\p{L}\p{N}]+)\W*$', 1)))) as people
from staging.entities as e
join intermediate.doc_numbers as n using (doc_id)
where e.kind = 'PERSON' and e.char_start < 1500
group by n.doc_no
