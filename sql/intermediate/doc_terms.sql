-- tf-idf weighted terms of each document's title (weighted 3) and lead (first 700 characters)
with docs as (
    select
        doc_id,
        lower(strip_accents(coalesce(title, ''))) as title_text,
        lower(strip_accents(left(coalesce(body_text, ''), 700))) as lead_text
    from staging.documents
),

tokens as (
    select doc_id, left(unnest(regexp_extract_all(title_text, '[\p{L}\p{N}]{3,}')), 7) as term, 3.0 as weight
    from docs
    union all
    select doc_id, left(unnest(regexp_extract_all(lead_text, '[\p{L}\p{N}]{3,}')), 7) as term, 1.0 as weight
    from docs
),

term_counts as (
    select doc_id, term, sum(weight) as tf
    from tokens
    group by all
),

corpus as (
    select count(*) as n_docs from docs
),

document_frequency as (
    select term, count(*) as df
    from term_counts
    group by term
),

weighted as (
    select
        t.doc_id,
        t.term,
        f.df,
        (1 + ln(t.tf)) * ln((c.n_docs + 1) / (f.df + 0.5)) as weight
    from term_counts as t
    join document_frequency as f using (term)
    cross join corpus as c
)

select
    doc_id,
    term,
    df,
    weight / sqrt(sum(weight * weight) over (partition by doc_id)) as weight
from weighted
where weight > 0
