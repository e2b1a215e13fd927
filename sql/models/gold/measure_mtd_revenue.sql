-- grain: one row per calendar day (gold.dim_date)
-- measure: MTD Revenue (DAX twin [MTD Revenue], powerbi/measures.dax)
-- definition: total revenue from the first day of the day's month up to and including the day
-- (TOTALMTD). previous_month_mtd_revenue is the same measure on the same day of the previous
-- month (the last day of that month when it is shorter), NULL before the data starts: the KPI
-- card's comparison; mtd_revenue_change the relative change from it.
with

daily as (

    select * from gold.int_daily_revenue_spine

),

month_to_date as (

    select
        date_day,
        year_month,
        revenue,
        sum(revenue) over (
            partition by year_month
            order by date_day
            rows between unbounded preceding and current row
        ) as mtd_revenue

    from daily

),

final as (

    select
        month_to_date.date_day,
        month_to_date.year_month,
        cast(month_to_date.revenue as decimal(14, 2)) as revenue,
        cast(month_to_date.mtd_revenue as decimal(14, 2)) as mtd_revenue,
        cast(previous_month.mtd_revenue as decimal(14, 2)) as previous_month_mtd_revenue,
        cast(
            div0(month_to_date.mtd_revenue - previous_month.mtd_revenue, nullif(previous_month.mtd_revenue, 0))
            as decimal(12, 6)
        ) as mtd_revenue_change

    from month_to_date
    left join month_to_date as previous_month
        on previous_month.date_day = cast(dateadd('month', -1, month_to_date.date_day) as date)

)

select * from final
