-- why records share an event: the links the merge weighed, one row per record pair.
-- kind 'story': the scored decision between the main records of two documents telling a similar
-- story (score, its parts, and whether it merged), for each document its best-scored one (a
-- wire story run by n outlets has n^2 links; one per document keeps the table linear, and as a
-- link merges exactly when its score passes the threshold, a merged document keeps its strongest
-- merged link); kind 'rule': a record joined to the first record of
-- its rule cluster (same type family and actors, overlapping time, same place)
with events as (
    select record_id, doc_id, event_id from marts.event_records where event_id is not null
),

mains as (
    select k.record_id, n.doc_no
    from intermediate.event_keys as k
    join intermediate.doc_numbers as n using (doc_id)
    where k.is_main and k.is_eventful
),

-- each document's best link, ties to the smaller document number: plain max and min aggregates
-- and a join with one row per document, which spill to disk at any size (a top-k aggregate or a
-- window over every pair does not)
directed as (
    select no_a as doc_no, no_b as other_no, score from intermediate.event_link_scores
    union all
    select no_b, no_a, score from intermediate.event_link_scores
),

best_scores as (
    select doc_no, max(score) as best_score
    from directed
    group by doc_no
),

best as (
    select d.doc_no, min(d.other_no) as other_no
    from directed as d
    join best_scores as b on b.doc_no = d.doc_no and d.score = b.best_score
    group by d.doc_no
),

kept as (
    select distinct least(doc_no, other_no) as no_a, greatest(doc_no, other_no) as no_b
    from best
),

story as (
    select
        a.record_id as record_a,
        b.record_id as record_b,
        'story' as kind,
        l.score,
        l.merged,
        l.similarity,
        l.undated,
        l.days_apart,
        l.far_apart,
        l.same_family,
        l.place_agree,
        l.country_conflict,
        l.actor_shared,
        l.actors_differ,
        l.people_shared,
        l.people_apart,
        l.rule_veto
    from intermediate.event_link_scores as l
    semi join kept as k on k.no_a = l.no_a and k.no_b = l.no_b
    join mains as a on a.doc_no = l.no_a
    join mains as b on b.doc_no = l.no_b
),

rule_firsts as (
    select record_id, cluster_key, min(record_id) over (partition by cluster_key) as first_record
    from intermediate.event_rule_clusters
),

rules as (
    select
        first_record as record_a,
        record_id as record_b,
        'rule' as kind,
        null::double as score,
        true as merged,
        null::double as similarity,
        null::boolean as undated,
        null::bigint as days_apart,
        null::boolean as far_apart,
        true as same_family,
        null::boolean as place_agree,
        null::boolean as country_conflict,
        true as actor_shared,
        false as actors_differ,
        null::boolean as people_shared,
        null::boolean as people_apart,
        false as rule_veto
    from rule_firsts
    where record_id <> first_record
),

links as (
    select * from story
    union all
    select * from rules
)

select
    l.record_a,
    l.record_b,
    a.doc_id as doc_a,
    b.doc_id as doc_b,
    case when a.event_id = b.event_id then a.event_id end as event_id,
    l.* exclude (record_a, record_b)
from links as l
left join events as a on a.record_id = l.record_a
left join events as b on b.record_id = l.record_b
