-- grain: one row per reporting period (gold.dim_reporting_period)
-- measure: Total Revenue (DAX twin [Total Revenue], powerbi/measures.dax)
-- definition: what completed transactions brought in: item amounts less discounts plus tax
-- (the sum of line_total). Pending, failed and refunded transactions count nothing. 0 for a
-- period without sales.
-- comparison: previous_total_revenue is the measure in the period's comparison_period
-- (gold.dim_reporting_period); total_revenue_change the relative change, (this - previous) / previous,
-- NULL when previous is 0 or missing.
with

periods as (

    select * from gold.dim_reporting_period

),

daily_revenue as (

    select * from gold.agg_daily_revenue

),

revenue as (

    select
        periods.period,
        sum(daily_revenue.revenue) as total_revenue,
        sum(daily_revenue.completed_transactions) as orders

    from periods
    inner join daily_revenue
        on daily_revenue.revenue_date between periods.period_start and periods.period_end

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
        cast(coalesce(revenue.total_revenue, 0) as decimal(14, 2)) as total_revenue,
        coalesce(revenue.orders, 0) as orders

    from periods
    left join revenue
        on revenue.period = periods.period

),

compared as (

    select
        measured.*,
        previous.total_revenue as previous_total_revenue,
        cast(div0(measured.total_revenue - previous.total_revenue, nullif(previous.total_revenue, 0)) as decimal(12, 6)) as total_revenue_change

    from measured
    left join measured as previous
        on previous.period = measured.comparison_period

)

select * from compared
