-- grain: one row per reporting period (gold.dim_reporting_period)
-- The quantities the period measure views (measure_total_revenue, measure_average_order_value,
-- measure_conversion_rate, measure_unique_users) are defined on, each over the period's days and,
-- as previous_*, over its comparison period's days (NULL for a period without one), so each of those
-- views holds only its own definition. revenue and orders count completed transactions
-- (gold.agg_daily_revenue); sessions, converted_sessions (sessions with a purchase event) and
-- unique_users are distinct over the whole period (gold.fact_user_activity), not sums of days.
-- 0 for a period without sales or events.
with

periods as (

    select * from gold.dim_reporting_period

),

daily_revenue as (

    select * from gold.agg_daily_revenue

),

events as (

    select * from gold.fact_user_activity

),

revenue as (

    select
        periods.period,
        sum(daily_revenue.revenue) as revenue,
        sum(daily_revenue.completed_transactions) as orders

    from periods
    inner join daily_revenue
        on daily_revenue.revenue_date between periods.period_start and periods.period_end

    group by periods.period

),

-- one row per session, user and day: what the distinct counts need, a quarter of the events, so the
-- range join to the periods (each day falls in several) multiplies days, not events
session_days as (

    select
        events.event_date,
        events.session_id,
        events.user_id,
        count_if(events.event_type = 'purchase') as purchase_events

    from events

    group by events.event_date, events.session_id, events.user_id

),

activity as (

    select
        periods.period,
        count(distinct session_days.session_id) as sessions,
        count(distinct iff(session_days.purchase_events > 0, session_days.session_id, null)) as converted_sessions,
        count(distinct session_days.user_id) as unique_users

    from periods
    inner join session_days
        on session_days.event_date between periods.period_start and periods.period_end

    group by periods.period

),

totals as (

    select
        periods.period,
        periods.comparison_period,
        cast(coalesce(revenue.revenue, 0) as decimal(14, 2)) as revenue,
        coalesce(revenue.orders, 0) as orders,
        coalesce(activity.sessions, 0) as sessions,
        coalesce(activity.converted_sessions, 0) as converted_sessions,
        coalesce(activity.unique_users, 0) as unique_users

    from periods
    left join revenue
        on revenue.period = periods.period
    left join activity
        on activity.period = periods.period

),

compared as (

    select
        totals.period,
        totals.revenue,
        totals.orders,
        totals.sessions,
        totals.converted_sessions,
        totals.unique_users,
        previous.revenue as previous_revenue,
        previous.orders as previous_orders,
        previous.sessions as previous_sessions,
        previous.converted_sessions as previous_converted_sessions,
        previous.unique_users as previous_unique_users

    from totals
    left join totals as previous
        on previous.period = totals.comparison_period

)

select * from compared
