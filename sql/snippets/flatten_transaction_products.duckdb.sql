-- DuckDB: one row per element of the JSON array in transactions.products (json_each plays FLATTEN).
-- Text that is not a JSON array flattens to no rows, as TRY_PARSE_JSON + FLATTEN does in Snowflake.
select
    transactions.*,
    cast(item.key as integer) as item_index,
    item.value ->> 'product_id' as item_product_id,
    item.value ->> 'quantity' as item_quantity,
    item.value ->> 'unit_price' as item_unit_price

from transactions,
    json_each(
        case
            when json_valid(transactions.products) and json_type(transactions.products) = 'ARRAY'
                then transactions.products
            else '[]'
        end
    ) as item
