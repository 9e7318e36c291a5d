-- the same real-world event across sources, recomputed over every record of the lake
with records as (
    select r.*, k.source_key, k.place_key, k.country_key, k.date_value, k.year_sure, k.year_explicit, k.precision
    from marts.event_records as r
    join intermediate.event_keys as k using (record_id)
    where r.event_id is not null
),

-- the event's actors come from its surest record: main first, then confidence, then record_id
faces as (
    select event_id, actor1, actor2
    from records
    qualify row_number() over (
        partition by event_id
        order by is_main desc, is_background, confidence desc nulls last, record_id
    ) = 1
),

-- type, place and day: the value most records report (a specific place before a country,
-- a day of sure year before a guessed one)
types as (
    select event_id, event_type
    from records
    where event_type is not null
    group by event_id, event_type
    qualify row_number() over (
        partition by event_id order by count(*) desc, max(is_main::int) desc, event_type
    ) = 1
),

locations as (
    select event_id, location
    from records
    where location is not null
    group by event_id, location
    qualify row_number() over (
        partition by event_id order by max(place_key) is null, count(*) desc, location
    ) = 1
),

dates as (
    select event_id, event_date
    from records
    where precision = 'day' and event_date is not null
    group by event_id, event_date
    qualify row_number() over (
        partition by event_id
        order by max(year_sure::int) desc, count(*) desc, max(year_explicit::int) desc,
            max(confidence) desc nulls last, event_date
    ) = 1
),

date_values as (
    select event_id, list(distinct date_value order by date_value) as date_values
    from records
    where date_value is not null
    group by event_id
),

counts as (
    select
        event_id,
        count(distinct source_key) as n_sources,
        count(*) as n_records,
        list(distinct doc_id order by doc_id) as doc_ids,
        -- places conflict when they lie in different countries; two places of one country (a city
        -- and its river, a district and its city) may hold one another, so they do not
        count(distinct country_key) > 1 or (count(distinct place_key) > 1 and count(country_key) = 0)
            as location_conflict
    from records
    group by event_id
)

select
    c.event_id,
    t.event_type,
    f.actor1,
    f.actor2,
    l.location,
    d.event_date,
    c.n_sources,
    c.n_records,
    c.doc_ids,
    -- two reported dates conflict when neither contains the other (2022-04 holds 2022-04-26)
    coalesce(len(list_filter(
        v.date_values,
        lambda x: len(list_filter(v.date_values, lambda y: not starts_with(x, y) and not starts_with(y, x))) > 0
    )) > 0, false) as date_conflict,
    c.location_conflict,
    coalesce(v.date_values, []::varchar[]) as date_values
from counts as c
left join faces as f using (event_id)
left join types as t using (event_id)
left join locations as l using (event_id)
left join dates as d using (event_id)
left join date_values as v using (event_id)
