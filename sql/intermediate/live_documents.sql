-- intermediate.live_documents: the documents the latest ledger row of some path still points at,
-- each with the run whose landed version is current
with latest_row_per_path as (
    select path, doc_id, status,
           row_number() over (partition by path order by run_id desc, seen_at desc) as recency
    from raw.files
),

live as (
    select distinct doc_id
    from latest_row_per_path
    where recency = 1
      and doc_id is not null
      and status in ('loaded', 'unchanged', 'duplicate')
),

landed_runs as (
    select doc_id, max(_run_id) as landed_run_id
    from landing.documents
    group by doc_id
)

select landed_runs.doc_id, landed_runs.landed_run_id
from landed_runs
semi join live on live.doc_id = landed_runs.doc_id
