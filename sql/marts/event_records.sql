-- one row per event candidate: what each source reports, pointing at its merged event (none for
-- a negated or possible record: it reports no event)
with candidates as (
    select *, doc_id || '-' || candidate_no as record_id
    from staging.event_candidates
),

keys as (
    select record_id, is_main from intermediate.event_keys
),

members as (
    select record_id, event_id from intermediate.event_members
),

documents as (
    select doc_id, source_name from staging.documents
)

select
    c.record_id,
    c.doc_id,
    m.event_id,
    d.source_name,
    upper(trim(c.event_type)) as event_type,
    c.cameo_code,
    c.actor1,
    c.actor1_role,
    c.actor2,
    c.actor2_role,
    c.location,
    c.location_country,
    c.event_date,
    c.event_date_raw,
    lower(c.date_precision) as date_precision,
    c.sentence_id,
    c.evidence,
    c.trigger,
    c.trigger_start,
    c.trigger_end,
    coalesce(lower(c.factuality), 'asserted') as factuality,
    c.confidence,
    k.is_main,
    coalesce(c.is_background, false) as is_background
from candidates as c
join keys as k using (record_id)
left join members as m using (record_id)
left join documents as d using (doc_id)
