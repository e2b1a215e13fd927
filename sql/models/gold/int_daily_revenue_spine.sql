-- grain: one row per calendar day (gold.dim_date)
-- Every day of the warehouse's calendar with its total revenue (completed transactions,
-- gold.agg_daily_revenue), 0 on a day without sales: the spine the daily and monthly revenue
-- views (measure_mtd_revenue, measure_running_total, measure_yoy_growth, revenue_anomalies) run
-- their windows and comparisons over, so a day without sales still counts as a day.
with

dates as (

    select * from gold.dim_date

),

daily_revenue as (

    select * from gold.agg_daily_revenue

),

spine as (

    select
        dates.date_day,
        dates.year_month,
        coalesce(daily_revenue.revenue, 0) as revenue

    from dates
    left join daily_revenue
        on daily_revenue.date_key = dates.date_key

)

select * from spine
