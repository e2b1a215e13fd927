-- description: Transaction lines that appear more than once in fact_transactions
-- category: uniqueness
-- layer: gold
-- severity: error
select transaction_id, line_number, count(*) as copies
from gold.fact_transactions
group by transaction_id, line_number
having count(*) > 1
