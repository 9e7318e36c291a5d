-- pairs of documents telling the same story: tf-idf cosine over the rarer terms they share,
-- published within 30 days of each other
with corpus as (
    select count(*) as n_docs from staging.documents
),

-- terms carried by many documents (over 1 %, at least 30, at most 200) add little and would
-- make the pairing quadratic; pairs are only formed through the remaining terms
rare_terms as (
    select t.doc_no, t.term, t.weight
    from intermediate.doc_terms as t
    cross join corpus as c
    where t.df <= greatest(30, least(200, c.n_docs / 100))
),

-- documents with the very same rare terms and weights (a wire story run by many outlets) are
-- paired once, through one representative
vectors as (
    select doc_no, list((term, weight) order by term) as vector
    from rare_terms
    group by doc_no
),

groups as (
    select doc_no, min(doc_no) over (partition by vector) as rep
    from vectors
),

rep_terms as (
    select r.*
    from rare_terms as r
    semi join groups as g on g.doc_no = r.doc_no and g.rep = r.doc_no
),

-- below 0.16 no pair qualifies whatever its dates; a representative pairs with itself too,
-- standing for the pairs inside its group
rep_similarities as (
    select a.doc_no as rep_a, b.doc_no as rep_b, sum(a.weight * b.weight) as similarity
    from rep_terms as a
    join rep_terms as b
        on a.term = b.term
        and a.doc_no <= b.doc_no
    group by all
    having sum(a.weight * b.weight) >= 0.16
),

similarities as (
    select ga.doc_no as no_a, gb.doc_no as no_b, s.similarity
    from rep_similarities as s
    join groups as ga on ga.rep = s.rep_a
    join groups as gb on gb.rep = s.rep_b
    where ga.doc_no < gb.doc_no or (s.rep_a != s.rep_b and ga.doc_no > gb.doc_no)
)

-- without both publication dates nothing bounds a story in time: ask for a closer match
select least(a.doc_id, b.doc_id) as doc_a, greatest(a.doc_id, b.doc_id) as doc_b, s.similarity
from similarities as s
join intermediate.doc_numbers as a on a.doc_no = s.no_a
join intermediate.doc_numbers as b on b.doc_no = s.no_b
where (
        a.published_at is null
        or b.published_at is null
        or abs(date_diff('day', a.published_at, b.published_at)) <= 30
    )
    and s.similarity >= case when a.published_at is null or b.published_at is null then 0.3 else 0.16 end
