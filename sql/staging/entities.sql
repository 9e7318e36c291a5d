-- staging.entities: people, organisations, places and dates found in body_text
-- (no order by: a global sort of every document's text needs memory that grows with the corpus; order rows when you query)
with landed as (
    select * from landing.entities
),

current_version as (
    select landed.*
    from landed
    join intermediate.live_documents as live
      on live.doc_id = landed.doc_id and live.landed_run_id = landed._run_id
)

select doc_id, sentence_id, kind, text, canonical, role, country_code, char_start, char_end
from current_version
