-- event_type is a PLOVER root or OTHER, factuality and date_precision from the contract, OTHER only as main
-- severity: warn
select record_id, event_type, factuality, date_precision, is_main
from marts.event_records
where event_type not in ('AGREE', 'CONSULT', 'SUPPORT', 'CONCEDE', 'COOPERATE', 'AID', 'RETREAT', 'REQUEST',
                         'ACCUSE', 'REJECT', 'THREATEN', 'PROTEST', 'SANCTION', 'MOBILIZE', 'COERCE', 'ASSAULT',
                         'OTHER')
   or factuality not in ('asserted', 'negated', 'future', 'possible')
   or date_precision not in ('day', 'month', 'year')
   or (event_type = 'OTHER' and not is_main)
