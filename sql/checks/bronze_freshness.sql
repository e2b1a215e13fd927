-- description: Bronze tables with no gold file loaded in the last 24 hours
-- category: freshness
-- layer: bronze
-- severity: warn
with

last_loads as (

    select 'raw_user_events' as table_name, max(_loaded_at) as last_loaded_at from bronze.raw_user_events
    union all
    select 'raw_transactions' as table_name, max(_loaded_at) as last_loaded_at from bronze.raw_transactions

)

select table_name, last_loaded_at
from last_loads
where last_loaded_at is null
    or last_loaded_at < dateadd('hour', -24, current_timestamp)
