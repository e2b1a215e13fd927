-- description: Events and transactions delivered more than once; Silver keeps the first loaded copy of each
-- category: uniqueness
-- layer: bronze
-- severity: warn
select 'user_events' as topic, event_id as id, count(*) as copies
from bronze.raw_user_events
group by event_id
having count(*) > 1

union all

select 'transactions' as topic, transaction_id as id, count(*) as copies
from bronze.raw_transactions
group by transaction_id
having count(*) > 1
