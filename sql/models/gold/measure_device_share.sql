-- grain: one row per device type
-- measure: Device Share (DAX twin [Device Share], powerbi/measures.dax)
-- definition: the device type's share of all user events: its event count divided by the event
-- count of every device type (CALCULATE with ALL over the device type).
with

events as (

    select * from gold.fact_user_activity

),

by_device as (

    select
        device_type,
        count(*) as event_count,
        count(distinct user_id) as users,
        count(distinct session_id) as sessions

    from events

    group by device_type

),

final as (

    select
        device_type,
        event_count,
        users,
        sessions,
        cast(div0(event_count, nullif(sum(event_count) over (), 0)) as decimal(10, 6)) as device_share

    from by_device

)

select * from final
