-- grain: one row per product (product_key), plus one "unknown product" row (product_id '-1') for facts whose product is not in the catalog
with

products as (

    select * from silver.stg_products

),

known_products as (

    select
        md5(product_id) as product_key,
        product_id,
        product_name,
        description,
        category,
        subcategory,
        brand,
        manufacturer,
        msrp,
        cost_price,
        cast(msrp - cost_price as decimal(12, 2)) as unit_margin,
        cast(div0(msrp - cost_price, msrp) as decimal(6, 4)) as margin_rate,
        created_date,
        is_active

    from products

),

unknown_product as (

    -- '-1' cannot collide with a real id: ids start with a letter or digit
    select
        md5('-1') as product_key,
        '-1' as product_id,
        'Unknown product' as product_name,
        'Product id not found in the reference catalog' as description,
        'Unknown' as category,
        'Unknown' as subcategory,
        'Unknown' as brand,
        'Unknown' as manufacturer,
        cast(null as decimal(12, 2)) as msrp,
        cast(null as decimal(12, 2)) as cost_price,
        cast(null as decimal(12, 2)) as unit_margin,
        cast(null as decimal(6, 4)) as margin_rate,
        cast(null as date) as created_date,
        false as is_active

),

all_products as (

    select * from known_products
    union all
    select * from unknown_product

)

select * from all_products
