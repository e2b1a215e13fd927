-- grain: one row per user event (event_id)
with

events as (

    select * from silver.stg_user_events

),

customers as (

    select * from gold.dim_customer

),

products as (

    select * from gold.dim_product

),

keyed as (

    select
        ---------- keys
        events.event_id,
        year(events.event_date) * 10000 + month(events.event_date) * 100 + day(events.event_date) as date_key,
        -- the customer version valid when the event happened; unknown ids stay visible on the unknown member
        coalesce(
            customers.customer_key,
            (select customer_key from customers where user_id = '-1' and is_current)
        ) as customer_key,
        -- events about no product (page views, searches) have no product key
        case
            when events.product_id is null then null
            else coalesce(products.product_key, (select product_key from products where product_id = '-1'))
        end as product_key,

        ---------- natural ids
        events.user_id,
        events.session_id,
        events.product_id,
        events.transaction_id,

        ---------- attributes
        events.event_type,
        case events.event_type
            when 'page_view' then 1
            when 'product_view' then 2
            when 'add_to_cart' then 3
            when 'checkout_start' then 4
            when 'purchase' then 5
        end as funnel_step,
        events.page_url,
        events.search_query,
        events.device_type,
        events.browser,
        events.operating_system,
        events.referrer,
        events.event_ts,
        events.event_date

    from events
    left join customers
        on customers.user_id = events.user_id
        and events.event_ts >= customers.valid_from
        and events.event_ts < customers.valid_to
    left join products
        on products.product_id = events.product_id

)

select * from keyed
