-- grain: one row per transaction item (transaction_id, line_number); the lines of a transaction add up to its total exactly
with

items as (

    select * from silver.stg_transaction_items

),

transactions as (

    select * from silver.stg_transactions

),

customers as (

    select * from gold.dim_customer

),

products as (

    select * from gold.dim_product

),

lines as (

    select
        items.transaction_id,
        items.line_number,
        items.product_id,
        items.quantity,
        items.unit_price,
        items.line_amount,
        transactions.user_id,
        transactions.session_id,
        transactions.event_ts,
        transactions.event_date as transaction_date,
        transactions.discount,
        transactions.tax,
        transactions.currency,
        transactions.payment_method,
        transactions.status,
        transactions.shipping_state,
        count(*) over (partition by items.transaction_id) as line_count,
        -- each line carries its share of the transaction's discount and tax, in cents
        cast(round(transactions.discount * div0(items.line_amount, transactions.subtotal), 2) as decimal(12, 2)) as discount_share,
        cast(round(transactions.tax * div0(items.line_amount, transactions.subtotal), 2) as decimal(12, 2)) as tax_share

    from items
    inner join transactions
        on transactions.transaction_id = items.transaction_id

),

allocated as (

    select
        lines.*,
        -- the last line takes the rounding remainder, so the lines add up to the header exactly
        case
            when line_number = line_count
                then discount - (sum(discount_share) over (partition by transaction_id) - discount_share)
            else discount_share
        end as line_discount,
        case
            when line_number = line_count
                then tax - (sum(tax_share) over (partition by transaction_id) - tax_share)
            else tax_share
        end as line_tax

    from lines

),

keyed as (

    select
        ---------- keys
        allocated.transaction_id,
        allocated.line_number,
        year(allocated.transaction_date) * 10000
            + month(allocated.transaction_date) * 100
            + day(allocated.transaction_date) as date_key,
        -- the customer version valid when the transaction happened; unknown ids stay visible on the unknown member
        coalesce(
            customers.customer_key,
            (select customer_key from customers where user_id = '-1' and is_current)
        ) as customer_key,
        coalesce(
            products.product_key,
            (select product_key from products where product_id = '-1')
        ) as product_key,

        ---------- natural ids
        allocated.user_id,
        allocated.product_id,
        allocated.session_id,

        ---------- measures
        allocated.quantity,
        allocated.unit_price,
        allocated.line_amount,
        cast(allocated.line_discount as decimal(12, 2)) as line_discount,
        cast(allocated.line_tax as decimal(12, 2)) as line_tax,
        cast(allocated.line_amount - allocated.line_discount + allocated.line_tax as decimal(12, 2)) as line_total,
        allocated.line_count,

        ---------- attributes
        allocated.currency,
        allocated.payment_method,
        allocated.status,
        allocated.shipping_state,
        allocated.event_ts,
        allocated.transaction_date

    from allocated
    left join customers
        on customers.user_id = allocated.user_id
        and allocated.event_ts >= customers.valid_from
        and allocated.event_ts < customers.valid_to
    left join products
        on products.product_id = allocated.product_id

)

select * from keyed
