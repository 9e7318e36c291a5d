-- pairs of documents telling the same story: tf-idf cosine over the rarer terms they share,
-- published within 30 days of each other
with corpus as (
    select count(*) as n_docs from staging.documents
),

-- terms carried by many documents (over 1 %, at least 30, at most 200) add little and would
-- make the pairing quadratic; pairs are only formed through the remaining terms
rare_terms as (
    select t.doc_id, t.term, t.weight, d.published_at
    from intermediate.doc_terms as t
    join staging.documents as d using (doc_id)
    cross join corpus as c
    where t.df <= greatest(30, least(200, c.n_docs / 100))
),

similarities as (
    select a.doc_id as doc_a, b.doc_id as doc_b, sum(a.weight * b.weight) as similarity
    from rare_terms as a
    join rare_terms as b
        on a.term = b.term
        and a.doc_id < b.doc_id
        and (
            a.published_at is null
            or b.published_at is null
            or abs(date_diff('day', a.published_at, b.published_at)) <= 30
        )
    group by all
)

-- without both publication dates nothing bounds a story in time: ask for a closer match
select s.doc_a, s.doc_b, s.similarity
from similarities as s
join staging.documents as a on a.doc_id = s.doc_a
join staging.documents as b on b.doc_id = s.doc_b
where s.similarity >= case when a.published_at is null or b.published_at is null then 0.3 else 0.16 end
