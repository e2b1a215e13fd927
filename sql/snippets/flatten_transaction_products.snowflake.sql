-- Snowflake: one row per element of the JSON array in transactions.products.
-- Text that is not JSON parses to NULL and flattens to no rows; a non-array is filtered out.
select
    transactions.*,
    item.index as item_index,
    item.value:product_id::varchar as item_product_id,
    item.value:quantity::varchar as item_quantity,
    item.value:unit_price::varchar as item_unit_price

from transactions,
    lateral flatten(input => try_parse_json(transactions.products)) as item

where is_array(item.this)
