-- every document is accounted for by a ledger row
-- severity: error
select d.doc_id
from staging.documents as d
anti join raw.files as f on f.doc_id = d.doc_id
