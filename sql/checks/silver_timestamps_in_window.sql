-- description: Events or transactions timed before 2000-01-01 or more than a day in the future
-- category: validity
-- layer: silver
-- severity: error
select 'user_events' as topic, event_id as id, event_ts
from silver.stg_user_events
where event_ts < cast('2000-01-01 00:00:00' as timestamp)
    or event_ts > dateadd('day', 1, current_timestamp)

union all

select 'transactions' as topic, transaction_id as id, event_ts
from silver.stg_transactions
where event_ts < cast('2000-01-01 00:00:00' as timestamp)
    or event_ts > dateadd('day', 1, current_timestamp)
