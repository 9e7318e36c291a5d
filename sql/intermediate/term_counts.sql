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

-- the title three times over, then the lead: one list of terms whose histogram is the weights
weighted_text as (
    select doc_no, repeat(title_text || ' ', 3) || lead_text as text
    from docs
),

histograms as (
    select
        doc_no,
        list_aggregate(
            list_transform(regexp_extract_all(text, '[\p{L}\p{N}]{3,}'), lambda t: left(t, 7)), 'histogram'
        ) as tf_by_term
    from weighted_text
)

select doc_no, unnest(map_keys(tf_by_term)) as term, unnest(map_values(tf_by_term)) as tf
from histograms
