-- tf-idf weighted terms of each document (see term_counts), each document's vector of unit length
with corpus as (
    select count(*) as n_docs from intermediate.doc_numbers
),

document_frequency as (
    select term, count(*) as df
    from intermediate.term_counts
    group by term
),

weighted as (
    select
        t.doc_no,
        t.term,
        f.df,
        (1 + ln(t.tf)) * ln((c.n_docs + 1) / (f.df + 0.5)) as weight
    from intermediate.term_counts as t
    join document_frequency as f using (term)
    cross join corpus as c
)

select
    doc_no,
    term,
    df,
    weight / sqrt(sum(weight * weight) over (partition by doc_no)) as weight
from weighted
where weight > 0
