-- one row per event candidate with the normalised keys the merge compares
with candidates as (
    select
        c.*,
        c.doc_id || '-' || c.candidate_no as record_id,
        upper(trim(c.event_type)) as type_code,
        d.source_name as doc_source_name,
        coalesce(nullif(trim(d.source_name), ''), c.doc_id) as source_key,
        d.published_at,
        d.published_at_origin,
        coalesce(nullif(lower(trim(c.factuality)), ''), 'asserted') as factuality_norm
    from staging.event_candidates as c
    left join staging.documents as d on d.doc_id = c.doc_id
),

countries as (
    select lower(strip_accents(country_name)) as country_norm, min(upper(country_code)) as country_code
    from seeds.merge_countries
    group by all
),

actor_stopwords as (
    select list(lower(word)) as stopwords from seeds.merge_actor_stopwords
),

types as (
    select upper(event_type) as type_code, family, is_symmetric::boolean as is_symmetric
    from seeds.merge_event_types
),

month_names as (
    select lower(name) as month_name, min(month::integer) as month
    from seeds.fields_months
    group by all
),

-- month and day of a raw date expression whose year nobody knows ("On April 28", "28 avril")
raw_month_days as (
    select c.record_id, printf('%02d-%02d', m.month, p.day) as raw_month_day
    from (
        select
            record_id,
            coalesce(
                nullif(regexp_extract(lower(event_date_raw), '(\p{L}+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b', 1), ''),
                nullif(regexp_extract(lower(event_date_raw), '\b(\d{1,2})(?:st|nd|rd|th|\.)?\s+(?:of\s+|de\s+)?(\p{L}+)', 2), '')
            ) as month_name,
            try_cast(coalesce(
                nullif(regexp_extract(lower(event_date_raw), '(\p{L}+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b', 2), ''),
                nullif(regexp_extract(lower(event_date_raw), '\b(\d{1,2})(?:st|nd|rd|th|\.)?\s+(?:of\s+|de\s+)?(\p{L}+)', 1), '')
            ) as integer) as day
        from candidates
        where event_date is null and event_date_raw is not null
    ) as p
    join month_names as m using (month_name)
    join candidates as c using (record_id)
    where p.day between 1 and 31
),

normalised as (
    select
        c.*,
        coalesce(t.family, c.type_code, '?') as family,
        coalesce(t.is_symmetric, false) as is_symmetric,
        -- an actor's key: the first six letters of its last word that is not a function word
        list_transform(
            [c.actor1, c.actor2],
            lambda a: nullif(left(coalesce(list_filter(
                regexp_extract_all(regexp_replace(lower(strip_accents(a)), '[''’]s\b', '', 'g'), '[\p{L}\p{N}]+'),
                lambda w: not list_contains(s.stopwords, w)
            )[-1], ''), 6), '')
        ) as actor_keys,
        nullif(regexp_replace(lower(strip_accents(trim(c.location))), '^the\s+', ''), '') as location_norm,
        nullif(lower(strip_accents(trim(c.location_country))), '') as given_country_norm,
        coalesce(
            lower(c.date_precision),
            case when c.event_date is not null then 'day' end
        ) as precision,
        c.event_date is not null and (
            c.event_date_raw is null
            or regexp_matches(c.event_date_raw, '\d{4}')
            or c.published_at_origin in ('input', 'text')
        ) as year_sure
    from candidates as c
    cross join actor_stopwords as s
    left join types as t on t.type_code = c.type_code
),

with_raw_month_day as (
    select n.*, r.raw_month_day
    from normalised as n
    left join raw_month_days as r using (record_id)
),

located as (
    select
        n.*,
        coalesce(
            case when length(n.given_country_norm) = 2 then upper(n.given_country_norm) end,
            g.country_code,
            k.country_code
        ) as country_key,
        case when n.location_norm is not null and k.country_code is null then n.location_norm end as place_key
    from with_raw_month_day as n
    left join countries as k on k.country_norm = n.location_norm
    left join countries as g on g.country_norm = n.given_country_norm
),

timed as (
    select
        l.*,
        case
            when l.is_symmetric then least(coalesce(actor_keys[1], '-'), coalesce(actor_keys[2], '-'))
                || '|' || greatest(coalesce(actor_keys[1], '-'), coalesce(actor_keys[2], '-'))
            else coalesce(actor_keys[1], '-') || '>' || coalesce(actor_keys[2], '-')
        end as pair_key,
        case
            when l.year_sure and l.precision = 'day' then l.event_date
            when l.year_sure and l.precision = 'month' then date_trunc('month', l.event_date)::date
            when l.year_sure and l.precision = 'year' then date_trunc('year', l.event_date)::date
            when l.event_date is null and not coalesce(l.is_background, false) and l.published_at is not null
                then l.published_at - interval 7 day
        end::date as t_lo,
        case
            when l.year_sure and l.precision = 'day' then l.event_date
            when l.year_sure and l.precision = 'month' then last_day(l.event_date)
            when l.year_sure and l.precision = 'year' then (date_trunc('year', l.event_date) + interval 1 year - interval 1 day)::date
            when l.event_date is null and not coalesce(l.is_background, false) and l.published_at is not null
                then l.published_at
        end::date as t_hi,
        case
            when not l.year_sure and l.precision = 'day' then strftime(l.event_date, '%m-%d')
            else l.raw_month_day
        end as month_day,
        case l.precision
            when 'day' then strftime(l.event_date, '%Y-%m-%d')
            when 'month' then strftime(l.event_date, '%Y-%m')
            when 'year' then strftime(l.event_date, '%Y')
        end as date_value
    from located as l
)

select
    record_id,
    doc_id,
    candidate_no,
    source_key,
    doc_source_name,
    published_at,
    type_code,
    family,
    is_symmetric,
    actor_keys,
    family || ':' || pair_key as block_key,
    pair_key,
    place_key,
    country_key,
    precision,
    year_sure,
    coalesce(regexp_matches(event_date_raw, '\d{4}'), false) as year_explicit,
    event_date,
    date_value,
    month_day,
    t_lo,
    t_hi,
    coalesce(is_background, false) as is_background,
    factuality_norm as factuality,
    -- negated and possible records report no event: they join none (a future one joins the event
    -- it announces)
    factuality_norm in ('asserted', 'future') as is_eventful,
    -- exactly one main record per document: the extraction's (authoritative), else the surest
    -- current record
    row_number() over (
        partition by doc_id
        order by coalesce(is_main, false) desc, coalesce(is_background, false), confidence desc nulls last, candidate_no
    ) = 1 as is_main,
    -- a record is anchored in time when its sure date (or, undated, the week before its
    -- publication) spans at most ten days
    t_lo is not null and date_diff('day', t_lo, t_hi) <= 10 as is_timed,
    actor_keys[1] is not null and actor_keys[2] is not null as is_dyadic,
    family in (select family from types) as is_plover,
    -- records the rules never merge: one-sided records (too vague to match across sources)
    -- and background records without a sure day or month
    actor_keys[1] is null or actor_keys[2] is null
        or (coalesce(is_background, false) and not (year_sure and precision in ('day', 'month'))) as is_pinned
from timed
