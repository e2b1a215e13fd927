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

totals as (

    select * from gold.int_period_totals

),

final as (

    select
        periods.*,
        totals.revenue as total_revenue,
        totals.orders,
        totals.previous_revenue as previous_total_revenue,
        cast(div0(totals.revenue - totals.previous_revenue, nullif(totals.previous_revenue, 0)) as decimal(12, 6)) as total_revenue_change

    from periods
    inner join totals
        on totals.period = periods.period

)

select * from final
