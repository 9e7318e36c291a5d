-- how much each term weighs in each document (see term_tokens: kept apart so that this aggregate reads
-- a table, which spills to disk under the memory limit, rather than a stream of unnested lists)
select doc_no, term, sum(weight) as tf
from intermediate.term_tokens
group by all
