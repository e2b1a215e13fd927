-- description: Transaction items with a missing product, a quantity below 1 or a negative or missing unit price
-- category: validity
-- layer: silver
-- severity: error
select transaction_id, line_number, product_id, quantity, unit_price
from silver.stg_transaction_items
where product_id is null or product_id = ''
    or quantity is null or quantity < 1
    or unit_price is null or unit_price < 0
