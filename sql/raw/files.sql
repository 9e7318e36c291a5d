-- raw.files: the ledger, one row per input file (or JSONL line) per run, across all runs
with ledger as (
    select * from landing.files
)

select file_id, path, size_bytes, content_sha256, doc_id, status, reason, run_id, seen_at
from ledger
order by run_id, path
