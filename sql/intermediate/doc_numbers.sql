-- every live document numbered in doc_id order, so term statistics and pairings join and group on
-- integers rather than 64-character ids
select doc_id, row_number() over (order by doc_id) as doc_no, published_at
from staging.documents
