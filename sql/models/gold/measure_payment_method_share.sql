-- grain: one row per payment method with completed transactions
-- measure: Payment Method Share (DAX twin [Payment Method Share], powerbi/measures.dax)
-- definition: the payment method's share of total revenue: its total revenue divided by the
-- total revenue of every payment method (CALCULATE with ALL over the payment method).
with

lines as (

    select * from gold.fact_transactions

),

by_method as (

    select
        payment_method,
        sum(line_total) as revenue,
        count(distinct transaction_id) as orders

    from lines

    where status = 'completed'

    group by payment_method

),

final as (

    select
        payment_method,
        cast(revenue as decimal(14, 2)) as revenue,
        orders,
        cast(div0(revenue, nullif(sum(revenue) over (), 0)) as decimal(10, 6)) as payment_method_share

    from by_method

)

select * from final
