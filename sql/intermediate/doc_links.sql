-- candidate pairs of documents (by doc_no) that may tell the same story: tf-idf cosine over the
-- rarer terms they share (at least 0.16), with how far apart they were published; whether a pair
-- is merged is decided by the scored link in event_link_scores
with rare_terms as (
    select doc_no, term, weight
    from intermediate.doc_terms
),

-- documents with the very same rare terms and weights (a wire story run by many outlets) are
-- paired once, through one representative; the set of (term, weight) is told apart by its size
-- and two order-free 64-bit hash folds, which no list has to be built or sorted for
fingerprints as (
    select
        doc_no,
        count(*) as n_terms,
        sum(hash(term, weight)::hugeint) as hash_sum,
        bit_xor(hash(weight, term)) as hash_xor
    from rare_terms
    group by doc_no
),

groups as (
    select
        f.doc_no,
        min(f.doc_no) over (partition by f.n_terms, f.hash_sum, f.hash_xor) as rep,
        n.published_at
    from fingerprints as f
    join intermediate.doc_numbers as n using (doc_no)
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
    select
        ga.doc_no as no_a,
        gb.doc_no as no_b,
        s.similarity,
        ga.published_at is null or gb.published_at is null as undated,
        abs(date_diff('day', ga.published_at, gb.published_at)) as days_apart
    from rep_similarities as s
    join groups as ga on ga.rep = s.rep_a
    join groups as gb on gb.rep = s.rep_b
    where ga.doc_no < gb.doc_no or (s.rep_a != s.rep_b and ga.doc_no > gb.doc_no)
)

select
    least(no_a, no_b) as no_a,
    greatest(no_a, no_b) as no_b,
    similarity,
    undated,
    coalesce(days_apart, 0) as days_apart
from similarities
