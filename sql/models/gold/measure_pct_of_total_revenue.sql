-- grain: one row per product category with revenue
-- measure: % of Total Revenue (DAX twin [% of Total Revenue], powerbi/measures.dax)
-- definition: the category's total revenue divided by the total revenue of all categories
-- (CALCULATE with ALL over the category). Lines of products missing from the catalog count
-- under the "Unknown" category.
with

lines as (

    select * from gold.fact_transactions

),

products as (

    select * from gold.dim_product

),

by_category as (

    select
        products.category,
        sum(lines.line_total) as revenue,
        sum(lines.quantity) as units_sold,
        count(distinct lines.transaction_id) as orders

    from lines
    inner join products
        on products.product_key = lines.product_key

    where lines.status = 'completed'

    group by products.category

),

final as (

    select
        category,
        cast(revenue as decimal(14, 2)) as revenue,
        units_sold,
        orders,
        cast(div0(revenue, nullif(sum(revenue) over (), 0)) as decimal(10, 6)) as pct_of_total_revenue

    from by_category

)

select * from final
