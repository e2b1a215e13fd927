-- grain: one row per event type
-- measure: Event Count (DAX twin [Event Count], powerbi/measures.dax)
-- definition: the number of user events (rows of gold.fact_user_activity) of the type; users
-- and sessions are the distinct customers and sessions behind them.
with

events as (

    select * from gold.fact_user_activity

),

by_type as (

    select
        event_type,
        count(*) as event_count,
        count(distinct user_id) as users,
        count(distinct session_id) as sessions

    from events

    group by event_type

)

select * from by_type
