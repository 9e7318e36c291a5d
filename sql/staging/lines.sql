-- staging.lines: the audit of every input line of the live documents
-- (no order by: a global sort of every document's text needs memory that grows with the corpus; order rows when you query)
with landed as (
    select * from landing.lines
),

current_version as (
    select landed.*
    from landed
    join intermediate.live_documents as live
      on live.doc_id = landed.doc_id and live.landed_run_id = landed._run_id
)

select doc_id, line_no, text, kind, kept, reason, language
from current_version
