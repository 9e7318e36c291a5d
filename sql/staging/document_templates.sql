-- staging.document_templates: which per-source template state each live document was cleaned with
-- (template_id 'none': no boilerplate lines were known for its source; lines in the lake's templates Parquet)
with landed as (
    select * from landing.document_templates
),

current_version as (
    select landed.*
    from landed
    join intermediate.live_documents as live
      on live.doc_id = landed.doc_id and live.landed_run_id = landed._run_id
)

select doc_id, source_key, template_id
from current_version
