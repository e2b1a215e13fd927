-- grain: one row per product category with add-to-cart events or sales
-- measure: Cart To Purchase Rate (DAX twin [Cart To Purchase Rate], powerbi/measures.dax)
-- definition: purchased lines (lines of completed transactions) divided by add_to_cart events,
-- per product category: how many of the products put in a cart were bought. NULL without carts.
with

events as (

    select * from gold.fact_user_activity

),

lines as (

    select * from gold.fact_transactions

),

products as (

    select * from gold.dim_product

),

carted as (

    select
        products.category,
        count(*) as add_to_cart_events

    from events
    inner join products
        on products.product_key = events.product_key

    where events.event_type = 'add_to_cart'

    group by products.category

),

purchased as (

    select
        products.category,
        count(*) as purchased_lines

    from lines
    inner join products
        on products.product_key = lines.product_key

    where lines.status = 'completed'

    group by products.category

),

categories as (

    select category from carted
    union
    select category from purchased

),

final as (

    select
        categories.category,
        coalesce(carted.add_to_cart_events, 0) as add_to_cart_events,
        coalesce(purchased.purchased_lines, 0) as purchased_lines,
        cast(div0(purchased.purchased_lines, nullif(carted.add_to_cart_events, 0)) as decimal(10, 6)) as cart_to_purchase_rate

    from categories
    left join carted
        on carted.category = categories.category
    left join purchased
        on purchased.category = categories.category

)

select * from final
