-- who said what when the sources of one event disagree: for every event whose date_conflict or
-- location_conflict is set, each record's date or place with its source, one row per record
with records as (
    select
        r.event_id,
        r.record_id,
        r.doc_id,
        coalesce(nullif(trim(r.source_name), ''), r.doc_id) as source,
        k.date_value,
        r.location,
        k.place_key,
        k.country_key
    from marts.event_records as r
    join intermediate.event_keys as k using (record_id)
    where r.event_id is not null
),

conflicting as (
    select event_id, date_conflict, location_conflict
    from marts.events
    where date_conflict or location_conflict
)

select c.event_id, 'date' as field, r.date_value as value, r.source, r.record_id, r.doc_id
from conflicting as c
join records as r using (event_id)
where c.date_conflict and r.date_value is not null
union all
select
    c.event_id,
    'location' as field,
    r.location || coalesce(' (' || r.country_key || ')', '') as value,
    r.source,
    r.record_id,
    r.doc_id
from conflicting as c
join records as r using (event_id)
where c.location_conflict and (r.place_key is not null or r.country_key is not null)
