-- statuses are from the contract and every non-loaded row says why
-- severity: error
select path, status, reason
from raw.files
where status not in ('loaded', 'duplicate', 'unchanged', 'quarantined', 'skipped')
   or (status <> 'loaded' and coalesce(trim(reason), '') = '')
