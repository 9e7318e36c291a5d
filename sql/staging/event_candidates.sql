-- staging.event_candidates: per-document event candidates from the extractor
-- (no order by: a global sort of every document's text needs memory that grows with the corpus; order rows when you query)
with landed as (
    select * from landing.event_candidates
),

current_version as (
    select landed.*
    from landed
    join intermediate.live_documents as live
      on live.doc_id = landed.doc_id and live.landed_run_id = landed._run_id
)

select * exclude (_run_id)
from current_version
