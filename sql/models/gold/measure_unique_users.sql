-- grain: one row per reporting period (gold.dim_reporting_period)
-- measure: Unique Users (DAX twin [Unique Users], powerbi/measures.dax)
-- definition: distinct customers (user_id) with at least one user event (any type) in the
-- period. Not additive: a month's users do not add up to the year's.
-- comparison: previous_unique_users is the measure in the period's comparison_period
-- (gold.dim_reporting_period); unique_users_change the relative change, (this - previous) / previous,
-- NULL when previous is 0 or missing.
with

periods as (

    select * from gold.dim_reporting_period

),

events as (

    select * from gold.fact_user_activity

),

users as (

    select
        periods.period,
        count(distinct events.user_id) as unique_users

    from periods
    inner join events
        on events.event_date between periods.period_start and periods.period_end

    group by periods.period

),

measured as (

    select
        periods.period,
        periods.period_kind,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        periods.comparison_period,
        periods.sort_order,
        coalesce(users.unique_users, 0) as unique_users

    from periods
    left join users
        on users.period = periods.period

),

compared as (

    select
        measured.*,
        previous.unique_users as previous_unique_users,
        cast(div0(measured.unique_users - previous.unique_users, nullif(previous.unique_users, 0)) as decimal(12, 6)) as unique_users_change

    from measured
    left join measured as previous
        on previous.period = measured.comparison_period

)

select * from compared
