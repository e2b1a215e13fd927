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

totals as (

    select * from gold.int_period_totals

),

order_values as (

    -- the same definition on both sides, so the change compares like with like
    select
        period,
        revenue,
        orders,
        cast(div0(revenue, nullif(orders, 0)) as decimal(14, 2)) as average_order_value,
        cast(div0(previous_revenue, nullif(previous_orders, 0)) as decimal(14, 2)) as previous_average_order_value

    from totals

),

final as (

    select
        periods.*,
        order_values.revenue,
        order_values.orders,
        order_values.average_order_value,
        order_values.previous_average_order_value,
        cast(
            div0(order_values.average_order_value - order_values.previous_average_order_value, nullif(order_values.previous_average_order_value, 0))
            as decimal(12, 6)
        ) as average_order_value_change

    from periods
    inner join order_values
        on order_values.period = periods.period

)

select * from final
