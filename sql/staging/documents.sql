-- staging.documents: one row per distinct live article, its current landed version
-- (no order by: a global sort of every document's text needs memory that grows with the corpus; order rows when you query)
with landed as (
    select * from landing.documents
),

current_version as (
    select landed.*
    from landed
    join intermediate.live_documents as live
      on live.doc_id = landed.doc_id and live.landed_run_id = landed._run_id
)

select doc_id, source_uri, source_name, url, title, authors, section, published_at,
       published_at_origin, language, language_confidence, body_text, n_lines, n_body_lines, run_id,
       rules_version
from current_version
