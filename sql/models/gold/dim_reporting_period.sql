-- grain: one row per reporting period: all time, the last 30 days, the 30 days before them, and each calendar month
-- Periods end at the last day with data (the "as of" date), not at today, so a replayed or
-- older warehouse reports the same numbers whenever it is opened. The period measure views
-- (measure_total_revenue, measure_unique_users, ...) give one row per period, compared with the
-- period's comparison_period (the last 30 days with the 30 before, a month with the month
-- before): KPI cards read the rolling rows, sparklines the month rows.
with

dates as (

    select * from gold.dim_date

),

bounds as (

    select
        min(date_day) as first_day,
        max(date_day) as as_of_date

    from dates

),

all_time as (

    select
        'all_time' as period,
        'all_time' as period_kind,
        'All time' as period_label,
        first_day as period_start,
        as_of_date as period_end,
        cast(null as varchar) as comparison_period,
        0 as sort_order

    from bounds

),

rolling as (

    select
        'last_30_days' as period,
        'rolling' as period_kind,
        'Last 30 days' as period_label,
        cast(dateadd('day', -29, as_of_date) as date) as period_start,
        as_of_date as period_end,
        'prior_30_days' as comparison_period,
        1 as sort_order

    from bounds

    union all

    select
        'prior_30_days' as period,
        'rolling' as period_kind,
        'Prior 30 days' as period_label,
        cast(dateadd('day', -59, as_of_date) as date) as period_start,
        cast(dateadd('day', -30, as_of_date) as date) as period_end,
        cast(null as varchar) as comparison_period,
        2 as sort_order

    from bounds

),

months as (

    select
        year_month as period,
        'month' as period_kind,
        year_month as period_label,
        min(date_day) as period_start,
        max(date_day) as period_end,
        lag(year_month) over (order by year_month) as comparison_period,
        -- months after the fixed periods, oldest first
        100 + row_number() over (order by year_month) as sort_order

    from dates

    group by year_month

),

periods as (

    select * from all_time
    union all
    select * from rolling
    union all
    select * from months

),

final as (

    select
        periods.*,
        bounds.as_of_date

    from periods
    cross join bounds

)

select * from final
