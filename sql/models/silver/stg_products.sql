-- grain: one row per product (product_id), as the most recently loaded reference snapshot describes it
with

source as (

    select * from bronze.raw_products

),

renamed as (

    select

        ---------- ids
        trim(product_id) as product_id,

        ---------- attributes
        trim(product_name) as product_name,
        trim(description) as description,
        trim(category) as category,
        trim(subcategory) as subcategory,
        trim(brand) as brand,
        trim(manufacturer) as manufacturer,
        is_active,

        ---------- amounts
        msrp,
        cost_price,

        ---------- dates
        created_date,

        ---------- lineage
        _source_file as source_file,
        _source_row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

latest_snapshot as (

    select * from renamed

    qualify row_number() over (
        partition by product_id
        order by loaded_at desc, source_file desc, source_row_number desc
    ) = 1

)

select * from latest_snapshot
