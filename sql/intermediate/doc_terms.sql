-- tf-idf weights of each document's rarer terms (see term_counts), divided by the length of the
-- document's whole vector: summed over the terms two documents share, they give the cosine.
-- Terms carried by many documents (over 1 %, at least 30, at most 200) add little and would make
-- the pairing in doc_links quadratic, so only the rarer ones are kept
with corpus as (
    select count(*) as n_docs from intermediate.doc_numbers
),

document_frequency as (
    select term, count(*) as df
    from intermediate.term_counts
    group by term
),

weighted as not materialized (
    select
        t.doc_no,
        t.term,
        f.df,
        (1 + ln(t.tf)) * ln((c.n_docs + 1) / (f.df + 0.5)) as weight
    from intermediate.term_counts as t
    join document_frequency as f using (term)
    cross join corpus as c
),

vector_lengths as (
    select doc_no, sqrt(sum(weight * weight)) as length
    from weighted
    where weight > 0
    group by doc_no
)

select w.doc_no, w.term, w.df, w.weight / v.length as weight
from weighted as w
join vector_lengths as v using (doc_no)
cross join corpus as c
where w.weight > 0
    and w.df <= greatest(30, least(200, c.n_docs / 100))
