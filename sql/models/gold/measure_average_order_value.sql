-- grain: one row per reporting period (gold.dim_reporting_period)
-- measure: Average Order Value (DAX twin [Average Order Value], powerbi/measures.dax)
-- definition: total revenue divided by the number of completed transactions (orders) in the
-- period; NULL for a period without orders.
-- comparison: previous_average_order_value is the measure in the period's comparison_period
-- (gold.dim_reporting_period); average_order_value_change the relative change, (this - previous) / previous,
-- NULL when previous is 0 or missing.
with

periods as (

    select * from gold.dim_reporting_period

),

daily_revenue as (

    select * from gold.agg_daily_revenue

),

orders as (

    select
        periods.period,
        sum(daily_revenue.revenue) as revenue,
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
        cast(coalesce(orders.revenue, 0) as decimal(14, 2)) as revenue,
        coalesce(orders.orders, 0) as orders,
        cast(div0(orders.revenue, nullif(orders.orders, 0)) as decimal(14, 2)) as average_order_value

    from periods
    left join orders
        on orders.period = periods.period

),

compared as (

    select
        measured.*,
        previous.average_order_value as previous_average_order_value,
        cast(div0(measured.average_order_value - previous.average_order_value, nullif(previous.average_order_value, 0)) as decimal(12, 6)) as average_order_value_change

    from measured
    left join measured as previous
        on previous.period = measured.comparison_period

)

select * from compared
