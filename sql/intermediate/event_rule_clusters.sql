-- rule-based clusters of the records that report an event: same type family and actor pair,
-- then time segments, then places
with keys as (
    select * from intermediate.event_keys
    where is_eventful
),

-- 1. records anchored in time form segments per block: a new segment starts after a gap of
--    more than two days past every earlier record (so 25 vs 26 April stay one event)
timed as (
    select
        record_id,
        block_key,
        t_lo,
        t_hi,
        max(t_hi) over (
            partition by block_key order by t_lo, t_hi, record_id
            rows between unbounded preceding and 1 preceding
        ) as previous_hi
    from keys
    where is_timed and not is_pinned
),

timed_segments as (
    select
        record_id,
        block_key,
        sum(case when previous_hi is null or t_lo > previous_hi + interval 2 day then 1 else 0 end) over (
            partition by block_key order by t_lo, t_hi, record_id
            rows between unbounded preceding and current row
        )::varchar as segment_key
    from timed
),

segments as (
    select
        s.block_key,
        s.segment_key,
        count(*) as n_records,
        min(k.t_lo) as segment_lo,
        max(k.t_hi) as segment_hi,
        coalesce(list(distinct k.place_key) filter (where k.place_key is not null), []) as places,
        coalesce(list(distinct k.country_key) filter (where k.country_key is not null), []) as countries,
        list(distinct k.doc_id) as doc_ids
    from timed_segments as s
    join keys as k using (record_id)
    group by all
),

-- 2. records without a narrow time (undated and unpublished, month or year dates, dates of
--    unsure year) that name a place or a date join the largest compatible segment of their
--    block, else the block's floating pool
floating as (
    select *, place_key is not null or event_date is not null or month_day is not null as is_informed
    from keys
    where not is_timed and not is_pinned
),

informed_choice as (
    select
        f.record_id,
        s.segment_key,
        row_number() over (
            partition by f.record_id
            order by s.n_records desc,
                abs(date_diff('day', s.segment_hi, coalesce(f.published_at, s.segment_hi))),
                s.segment_key
        ) as choice
    from floating as f
    join segments as s
        on s.block_key = f.block_key
        and f.is_informed
        and (
            case
                when f.t_lo is not null
                    then f.t_lo <= s.segment_hi + interval 2 day and f.t_hi >= s.segment_lo - interval 2 day
                when f.month_day is not null
                    then f.month_day between strftime(s.segment_lo - interval 2 day, '%m-%d')
                        and strftime(s.segment_hi + interval 2 day, '%m-%d')
                when f.event_date is not null and f.precision = 'month'
                    then strftime(f.event_date, '%m') between strftime(s.segment_lo, '%m')
                        and strftime(s.segment_hi, '%m')
                else true
            end
        )
        and (
            case
                when f.place_key is not null
                    then list_contains(s.places, f.place_key)
                        or (len(s.places) = 0 and (f.country_key is null or len(s.countries) = 0
                            or list_contains(s.countries, f.country_key)))
                when f.country_key is not null
                    then len(s.countries) = 0 or list_contains(s.countries, f.country_key)
                else true
            end
        )
),

floating_pool as (
    select
        f.block_key,
        'float' as segment_key,
        count(*) as n_records,
        coalesce(list(distinct f.country_key) filter (where f.country_key is not null), []) as countries,
        list(distinct f.doc_id) as doc_ids
    from floating as f
    left join informed_choice as c on c.record_id = f.record_id and c.choice = 1
    where f.is_informed and c.record_id is null
    group by all
),

-- 3. records naming at most a country join, among the segments and the floating pool of their
--    block, first one their own document is in, then the largest
vague_choice as (
    select
        f.record_id,
        g.segment_key,
        row_number() over (
            partition by f.record_id
            order by list_contains(g.doc_ids, f.doc_id) desc, g.n_records desc, g.segment_key
        ) as choice
    from floating as f
    join (
        select block_key, segment_key, n_records, countries, doc_ids from segments
        union all
        select block_key, segment_key, n_records, countries, doc_ids from floating_pool
    ) as g
        on g.block_key = f.block_key
        and (f.country_key is null or len(g.countries) = 0 or list_contains(g.countries, f.country_key))
    where not f.is_informed
),

segmented as (
    select record_id, block_key, segment_key from timed_segments
    union all
    select
        f.record_id,
        f.block_key,
        coalesce(i.segment_key, v.segment_key, 'float') as segment_key
    from floating as f
    left join informed_choice as i on i.record_id = f.record_id and i.choice = 1
    left join vague_choice as v on v.record_id = f.record_id and v.choice = 1
),

members as (
    select
        s.segment_key,
        k.*,
        k.event_date is not null and k.precision in ('day', 'month') as is_dated
    from segmented as s
    join keys as k using (record_id)
),

-- 4. inside a segment, different specific places are different events, unless they report
--    the same sure day (then one event with a location conflict)
place_groups as (
    select
        block_key,
        segment_key,
        place_key,
        count(*) as n_records,
        min(country_key) as country_key,
        list(distinct event_date) filter (where year_sure and precision = 'day') as days
    from members
    where place_key is not null
    group by all
),

place_labels as (
    select
        a.block_key,
        a.segment_key,
        a.place_key,
        a.country_key,
        min(coalesce(b.place_key, a.place_key)) as place_label
    from place_groups as a
    left join place_groups as b
        on b.block_key = a.block_key
        and b.segment_key = a.segment_key
        and b.place_key < a.place_key
        and len(list_intersect(a.days, b.days)) > 0
        and (a.country_key is null or b.country_key is null or a.country_key = b.country_key)
    group by all
),

label_sizes as (
    select
        p.block_key,
        p.segment_key,
        p.place_label,
        min(p.country_key) as country_key,
        count(*) as n_records,
        list(distinct m.doc_id) as doc_ids
    from place_labels as p
    join members as m using (block_key, segment_key, place_key)
    group by all
),

-- records naming only a country (or nothing) join the largest compatible place of their
-- segment; an undated record first joins the place its own document names
country_choice as (
    select
        m.record_id,
        l.place_label,
        row_number() over (
            partition by m.record_id
            order by (not m.is_dated and list_contains(l.doc_ids, m.doc_id)) desc, l.n_records desc, l.place_label
        ) as choice
    from members as m
    join label_sizes as l
        on l.block_key = m.block_key
        and l.segment_key = m.segment_key
        and (m.country_key is null or l.country_key is null or l.country_key = m.country_key)
    where m.place_key is null
),

country_groups as (
    select
        m.block_key,
        m.segment_key,
        'country:' || m.country_key as place_label,
        count(*) as n_records,
        list(distinct m.doc_id) as doc_ids
    from members as m
    left join country_choice as c on c.record_id = m.record_id and c.choice = 1
    where m.place_key is null and m.country_key is not null and c.place_label is null
    group by all
),

unplaced_choice as (
    select
        m.record_id,
        g.place_label,
        row_number() over (
            partition by m.record_id
            order by (not m.is_dated and list_contains(g.doc_ids, m.doc_id)) desc, g.n_records desc, g.place_label
        ) as choice
    from members as m
    join (
        select block_key, segment_key, place_label, n_records, doc_ids from label_sizes
        union all
        select block_key, segment_key, place_label, n_records, doc_ids from country_groups
    ) as g
        on g.block_key = m.block_key and g.segment_key = m.segment_key
    where m.place_key is null and m.country_key is null
),

placed as (
    select
        m.record_id,
        m.doc_id,
        m.is_dated,
        m.block_key,
        m.segment_key,
        -- records without a time anchor are still told apart by the month they name (whatever
        -- the year); undated ones then join a month below
        case when m.segment_key = 'float' and m.is_dated then strftime(m.event_date, '%m') end as lane,
        coalesce(
            p.place_label,
            c.place_label,
            'country:' || m.country_key,
            u.place_label,
            ''
        ) as place_label
    from members as m
    left join place_labels as p
        on p.block_key = m.block_key and p.segment_key = m.segment_key and p.place_key = m.place_key
    left join country_choice as c on c.record_id = m.record_id and c.choice = 1
    left join unplaced_choice as u on u.record_id = m.record_id and u.choice = 1 and m.country_key is null
),

lanes as (
    select block_key, segment_key, place_label, lane, count(*) as n_records, list(distinct doc_id) as doc_ids
    from placed
    where lane is not null
    group by all
),

lane_choice as (
    select
        p.record_id,
        l.lane,
        row_number() over (
            partition by p.record_id
            order by list_contains(l.doc_ids, p.doc_id) desc, l.n_records desc, l.lane
        ) as choice
    from placed as p
    join lanes as l using (block_key, segment_key, place_label)
    where p.segment_key = 'float' and p.lane is null
)

select
    p.record_id,
    p.block_key || '#' || p.segment_key || '#' || p.place_label || '#' || coalesce(p.lane, c.lane, '') as cluster_key
from placed as p
left join lane_choice as c on c.record_id = p.record_id and c.choice = 1
union all
select record_id, 'pinned#' || record_id as cluster_key
from keys
where is_pinned
