-- n_records, n_sources and doc_ids of each event agree with its member records
-- severity: error
with members as (
    select
        r.event_id,
        count(*) as n_records,
        count(distinct coalesce(nullif(trim(r.source_name), ''), r.doc_id)) as n_sources,
        list(distinct r.doc_id order by r.doc_id) as doc_ids
    from marts.event_records as r
    group by r.event_id
)

select e.event_id, e.n_records, m.n_records as member_records, e.n_sources, m.n_sources as member_sources
from marts.events as e
left join members as m using (event_id)
where m.event_id is null
    or e.n_records <> m.n_records
    or e.n_sources <> m.n_sources
    or e.doc_ids <> m.doc_ids
