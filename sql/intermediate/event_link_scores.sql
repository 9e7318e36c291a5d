-- the scored decision behind every story link: for each candidate pair of documents (doc_links, by
-- doc_no), the parts comparing their main records, the logistic score the weights of
-- seeds.merge_weights give them, and whether the link merges the two records' events
-- (score >= threshold). Numbers, not ids: this table is as long as doc_links
with weights as (
    select
        max(weight::double) filter (where feature = 'intercept') as intercept,
        max(weight::double) filter (where feature = 'similarity') as w_similarity,
        max(weight::double) filter (where feature = 'undated') as w_undated,
        max(weight::double) filter (where feature = 'far_apart') as w_far_apart,
        max(weight::double) filter (where feature = 'rule_veto') as w_rule_veto,
        max(weight::double) filter (where feature = 'same_family') as w_same_family,
        max(weight::double) filter (where feature = 'place_agree') as w_place_agree,
        max(weight::double) filter (where feature = 'country_conflict') as w_country_conflict,
        max(weight::double) filter (where feature = 'actor_shared') as w_actor_shared,
        max(weight::double) filter (where feature = 'people_shared') as w_people_shared,
        max(weight::double) filter (where feature = 'people_apart') as w_people_apart,
        max(weight::double) filter (where feature = 'actors_differ') as w_actors_differ,
        max(weight::double) filter (where feature = 'threshold') as threshold
    from seeds.merge_weights
),

-- the main record of each document, when it reports an event (negated or possible ones do not)
mains as (
    select k.*, n.doc_no
    from intermediate.event_keys as k
    join intermediate.doc_numbers as n using (doc_id)
    where k.is_main and k.is_eventful
),

parts as (
    select
        l.no_a,
        l.no_b,
        l.similarity,
        l.undated,
        l.days_apart,
        not l.undated and l.days_apart > 30 as far_apart,
        a.is_plover and a.family = b.family as same_family,
        coalesce(a.place_key = b.place_key, false) or coalesce(a.country_key = b.country_key, false) as place_agree,
        coalesce(a.country_key <> b.country_key, false) as country_conflict,
        len(list_intersect(
            list_filter(a.actor_keys, lambda x: x is not null), list_filter(b.actor_keys, lambda x: x is not null)
        )) > 0 as actor_shared,
        -- both main records name who acted, and no actor of one is an actor of the other
        a.actor_keys[1] is not null and b.actor_keys[1] is not null and len(list_intersect(
            list_filter(a.actor_keys, lambda x: x is not null), list_filter(b.actor_keys, lambda x: x is not null)
        )) = 0 as actors_differ,
        coalesce(len(list_intersect(pa.people, pb.people)) > 0, false) as people_shared,
        coalesce(len(list_intersect(pa.people, pb.people)) = 0, false) as people_apart,
        -- the rules know better: the same actors at another place or day, or (same type family) a
        -- shared actor with a different counterpart
        a.is_dyadic and b.is_dyadic and a.family = b.family and (
            (a.pair_key = b.pair_key and (
                coalesce(a.place_key <> b.place_key, false)
                or (a.year_sure and b.year_sure and a.precision = 'day' and b.precision = 'day'
                    and abs(date_diff('day', a.event_date, b.event_date)) > 2)
            ))
            or (a.pair_key <> b.pair_key and a.is_plover
                and len(list_intersect(a.actor_keys, b.actor_keys)) > 0)
        ) as rule_veto
    from intermediate.doc_links as l
    join mains as a on a.doc_no = l.no_a
    join mains as b on b.doc_no = l.no_b
    left join intermediate.doc_people as pa on pa.doc_no = l.no_a
    left join intermediate.doc_people as pb on pb.doc_no = l.no_b
),

scored as (
    select
        p.*,
        1 / (1 + exp(-(
            w.intercept
            + w.w_similarity * p.similarity
            + w.w_undated * p.undated::int
            + w.w_far_apart * p.far_apart::int
            + w.w_rule_veto * p.rule_veto::int
            + w.w_same_family * p.same_family::int
            + w.w_place_agree * p.place_agree::int
            + w.w_country_conflict * p.country_conflict::int
            + w.w_actor_shared * p.actor_shared::int
            + w.w_people_shared * p.people_shared::int
            + w.w_people_apart * p.people_apart::int
            + w.w_actors_differ * p.actors_differ::int
        ))) as score,
        w.threshold
    from parts as p
    cross join weights as w
)

select * exclude (threshold), score >= threshold as merged
from scored
