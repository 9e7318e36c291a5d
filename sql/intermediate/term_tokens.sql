-- every term of a document's title (weight 3) and lead, its first 700 characters (weight 1): a term
-- is a run of 3 or more letters or digits, lower-cased, without accents, cut to its first 7
with docs as (
    select
        n.doc_no,
        lower(strip_accents(coalesce(d.title, ''))) as title_text,
        lower(strip_accents(left(coalesce(d.body_text, ''), 700))) as lead_text
    from staging.documents as d
    join intermediate.doc_numbers as n using (doc_id)
)

select doc_no, left(unnest(regexp_extract_all(title_text, '[\p{L}\p{N}]{3,}')), 7) as term, 3.0 as weight
from docs
union all
select doc_no, left(unnest(regexp_extract_all(lead_text, '[\p{L}\p{N}]{3,}')), 7) as term, 1.0 as weight
from docs
