-- how often each term (its first 7 letters, 3 letters at least) occurs in a document's title (weighted 3)
-- and lead (its first 700 characters); a table of its own, so doc_terms reads it rather than holding it
with docs as (
    select
        n.doc_no,
        lower(strip_accents(coalesce(d.title, ''))) as title_text,
        lower(strip_accents(left(coalesce(d.body_text, ''), 700))) as lead_text
    from staging.documents as d
    join intermediate.doc_numbers as n using (doc_id)
),

tokens as (
    select doc_no, left(unnest(regexp_extract_all(title_text, '[\p{L}\p{N}]{3,}')), 7) as term, 3.0 as weight
    from docs
    union all
    select doc_no, left(unnest(regexp_extract_all(lead_text, '[\p{L}\p{N}]{3,}')), 7) as term, 1.0 as weight
    from docs
)

select doc_no, term, sum(weight) as tf
from tokens
group by all
