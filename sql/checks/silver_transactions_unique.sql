-- description: Transaction ids that appear more than once in Silver (the MERGE key must be unique)
-- category: uniqueness
-- layer: silver
-- severity: error
select transaction_id, count(*) as copies
from silver.stg_transactions
group by transaction_id
having count(*) > 1
