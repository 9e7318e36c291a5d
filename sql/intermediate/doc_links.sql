-- pairs of documents telling the same story: tf-idf cosine over shared rare terms, published
-- within 30 days of each other (or undated)
with terms as (
    select t.doc_id, t.term, t.df, t.weight, d.published_at
    from intermediate.doc_terms as t
    join staging.documents as d using (doc_id)
),

corpus as (
    select count(*) as n_docs from staging.documents
),

-- terms carried by many documents add little and would make the pairing quadratic
blocking_terms as (
    select t.*
    from terms as t
    cross join corpus as c
    where t.df <= greatest(30, c.n_docs / 100)
),

similarities as (
    select
        a.doc_id as doc_a,
        b.doc_id as doc_b,
        sum(a.weight * b.weight) as similarity
    from blocking_terms as a
    join blocking_terms as b
        on a.term = b.term
        and a.doc_id < b.doc_id
        and (
            a.published_at is null
            or b.published_at is null
            or abs(date_diff('day', a.published_at, b.published_at)) <= 30
        )
    group by all
)

select doc_a, doc_b, similarity
from similarities
where similarity >= 0.16
