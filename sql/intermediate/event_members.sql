-- the merged event of every record: rule clusters joined through the main records of
-- documents telling the same story (connected components, smallest key wins)
with recursive clustered as (
    select k.*, c.cluster_key
    from intermediate.event_keys as k
    join intermediate.event_rule_clusters as c using (record_id)
),

-- every rule cluster numbered in key order, so the component search joins and groups integers
nodes as (
    select cluster_key, row_number() over (order by cluster_key) as node
    from (select distinct cluster_key from clustered)
),

keys as (
    select clustered.*, nodes.node
    from clustered
    join nodes using (cluster_key)
),

-- a document's main record is background only when all its records are
mains as (
    select keys.*, n.doc_no
    from keys
    join intermediate.doc_numbers as n using (doc_id)
    where keys.is_main
),

-- the story link is refused when the rules already know better: the same actors at another
-- place or day, or (same type family) a shared actor with a different counterpart
story_edges as (
    select distinct a.node as node_a, b.node as node_b
    from intermediate.doc_links as l
    join mains as a on a.doc_no = l.no_a
    join mains as b on b.doc_no = l.no_b
    where a.node <> b.node
        and not (
            a.is_dyadic and b.is_dyadic and a.family = b.family and (
                (a.pair_key = b.pair_key and (
                    coalesce(a.place_key <> b.place_key, false)
                    or (a.year_sure and b.year_sure and a.precision = 'day' and b.precision = 'day'
                        and abs(date_diff('day', a.event_date, b.event_date)) > 2)
                ))
                or (a.pair_key <> b.pair_key and a.is_plover
                    and len(list_intersect(a.actor_keys, b.actor_keys)) > 0)
            )
        )
),

edges as (
    select node_a as node, node_b as neighbour from story_edges
    union
    select node_b, node_a from story_edges
),

components(node, label) using key (node) as (
    select node, node from nodes
    union
    select e.neighbour, min(c.label)
    from components as c
    join edges as e on e.node = c.node
    join recurring.components as r on r.node = e.neighbour
    group by e.neighbour, r.label
    having min(c.label) < r.label
),

grouped as (
    select k.record_id, k.doc_id, k.is_main, c.label
    from keys as k
    join components as c on c.node = k.node
)

select
    record_id,
    doc_id,
    is_main,
    left(md5(min(record_id) over (partition by label)), 16) as event_id
from grouped
