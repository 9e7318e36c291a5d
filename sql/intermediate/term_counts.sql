-- how much each term weighs in each document: a term is a run of 3 or more letters or digits,
-- lower-cased, without accents, cut to its first 7; it weighs 3 in the title and 1 in the lead
-- (the body's first 700 characters). Each document's terms are counted within its own row (a
-- histogram of its list), so the count streams instead of building a corpus-wide aggregate
with docs as (
    select
        n.doc_no,
        lower(strip_accents(coalesce(d.title, ''))) as title_text,
        lower(strip_accents(left(coalesce(d.body_text, ''), 700))) as lead_text
    from staging.documents as d
    join intermediate.doc_numbers as n using (doc_id)
),

terms as (
    select
        doc_no,
        list_transform(regexp_extract_all(title_text, '[\p{L}\p{N}]{3,}'), lambda t: left(t, 7)) as title_terms,
        list_transform(regexp_extract_all(lead_text, '[\p{L}\p{N}]{3,}'), lambda t: left(t, 7)) as lead_terms
    from docs
),

histograms as (
    select
        doc_no,
        list_aggregate(list_concat(title_terms, title_terms, title_terms, lead_terms), 'histogram') as tf_by_term
    from terms
)

select doc_no, unnest(map_keys(tf_by_term)) as term, unnest(map_values(tf_by_term)) as tf
from histograms
