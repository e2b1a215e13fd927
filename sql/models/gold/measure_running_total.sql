-- grain: one row per calendar day (gold.dim_date)
-- measure: Running Total (DAX twin [Running Total], powerbi/measures.dax)
-- definition: total revenue from the first day with data up to and including the day
-- (CALCULATE over ALL dates up to the day); revenue is the day's own total revenue, 0 without sales.
with

dates as (

    select * from gold.dim_date

),

daily_revenue as (

    select * from gold.agg_daily_revenue

),

daily as (

    select
        dates.date_day,
        coalesce(daily_revenue.revenue, 0) as revenue

    from dates
    left join daily_revenue
        on daily_revenue.date_key = dates.date_key

),

running as (

    select
        date_day,
        cast(revenue as decimal(14, 2)) as revenue,
        cast(sum(revenue) over (
            order by date_day
            rows between unbounded preceding and current row
        ) as decimal(14, 2)) as running_total

    from daily

)

select * from running
