-- grain: one row per calendar day (UTC) with transactions; revenue counts completed transactions, gross_amount counts all
with

lines as (

    select * from gold.fact_transactions

),

transactions as (

    select
        transaction_id,
        max(date_key) as date_key,
        max(transaction_date) as transaction_date,
        max(status) as status,
        max(user_id) as user_id,
        sum(quantity) as items,
        sum(line_discount) as discount,
        sum(line_tax) as tax,
        sum(line_total) as total

    from lines

    group by transaction_id

),

daily as (

    select
        date_key,
        transaction_date as revenue_date,
        count(*) as transactions,
        sum(iff(status = 'completed', 1, 0)) as completed_transactions,
        sum(iff(status = 'pending', 1, 0)) as pending_transactions,
        sum(iff(status = 'failed', 1, 0)) as failed_transactions,
        sum(iff(status = 'refunded', 1, 0)) as refunded_transactions,
        sum(total) as gross_amount,
        sum(iff(status = 'completed', total, 0)) as revenue,
        sum(iff(status = 'completed', items, 0)) as items_sold,
        sum(iff(status = 'completed', discount, 0)) as discount_amount,
        sum(iff(status = 'completed', tax, 0)) as tax_amount,
        count(distinct iff(status = 'completed', user_id, null)) as paying_customers

    from transactions

    group by date_key, transaction_date

),

with_ratios as (

    select
        daily.*,
        cast(div0(revenue, completed_transactions) as decimal(12, 2)) as avg_order_value

    from daily

)

select * from with_ratios
