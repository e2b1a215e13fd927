-- grain: one row per calendar day (gold.dim_date)
-- measure: Running Total (DAX twin [Running Total], powerbi/measures.dax)
-- definition: total revenue from the first day with data up to and including the day
-- (CALCULATE over ALL dates up to the day); revenue is the day's own total revenue, 0 without sales.
with

daily as (

    select * from gold.int_daily_revenue_spine

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
