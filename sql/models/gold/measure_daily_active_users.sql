-- grain: one row per calendar day with user events
-- measure: Daily Active Users (DAX twin [Daily Active Users], powerbi/measures.dax)
-- definition: distinct customers (user_id) with at least one user event on the day. Over more
-- than one day the DAX twin averages the daily figures.
with

events as (

    select * from gold.fact_user_activity

),

daily as (

    select
        event_date,
        count(distinct user_id) as daily_active_users,
        count(distinct session_id) as sessions,
        count(*) as event_count

    from events

    group by event_date

)

select * from daily
