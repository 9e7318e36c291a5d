-- the merged event of every record that reports one (asserted or future): rule clusters joined
-- through the scored story links between the main records of two documents (connected
-- components, smallest key wins); negated and possible records have no row here
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

-- the main record of each document that reports an event, by document number
mains as (
    select keys.node, n.doc_no
    from keys
    join intermediate.doc_numbers as n using (doc_id)
    where keys.is_main
),

-- the story links the scored decision merges (event_link_scores), between the rule clusters
-- of the two documents' main records
story_edges as (
    select distinct a.node as node_a, b.node as node_b
    from intermediate.event_link_scores as l
    join mains as a on a.doc_no = l.no_a
    join mains as b on b.doc_no = l.no_b
    where l.merged and a.node <> b.node
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
