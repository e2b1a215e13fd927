-- grain: one row per calendar day (UTC) and event type
with

events as (

    select * from gold.fact_user_activity

),

daily as (

    select
        date_key,
        event_date,
        event_type,
        count(*) as events,
        count(distinct user_id) as users,
        count(distinct session_id) as sessions

    from events

    group by date_key, event_date, event_type

)

select * from daily
