-- grain: one row per product with revenue
-- measure: Product Rank (DAX twin [Product Rank], powerbi/measures.dax)
-- definition: the product's place by total revenue, 1 for the best seller (RANKX, ties share a
-- place and skip the next). "Top N products" is `where product_rank <= N`.
with

lines as (

    select * from gold.fact_transactions

),

products as (

    select * from gold.dim_product

),

by_product as (

    select
        lines.product_key,
        sum(lines.line_total) as revenue,
        sum(lines.quantity) as units_sold,
        count(distinct lines.transaction_id) as orders

    from lines

    where lines.status = 'completed'

    group by lines.product_key

),

ranked as (

    select
        products.product_id,
        products.product_name,
        products.category,
        products.subcategory,
        products.brand,
        cast(by_product.revenue as decimal(14, 2)) as revenue,
        by_product.units_sold,
        by_product.orders,
        rank() over (order by by_product.revenue desc) as product_rank

    from by_product
    inner join products
        on products.product_key = by_product.product_key

    where by_product.revenue > 0

)

select * from ranked
