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

product_actions as (

    -- one row per add_to_cart event and per purchased line, so one pass counts both per category
    select product_key, 'add_to_cart' as action from events where event_type = 'add_to_cart'
    union all
    select product_key, 'purchase' as action from lines where status = 'completed'

),

by_category as (

    select
        products.category,
        count(iff(product_actions.action = 'add_to_cart', 1, null)) as add_to_cart_events,
        count(iff(product_actions.action = 'purchase', 1, null)) as purchased_lines

    from product_actions
    inner join products
        on products.product_key = product_actions.product_key

    group by products.category

),

final as (

    select
        category,
        add_to_cart_events,
        purchased_lines,
        cast(div0(purchased_lines, nullif(add_to_cart_events, 0)) as decimal(10, 6)) as cart_to_purchase_rate

    from by_category

)

select * from final
