-- description: Transaction lines whose product_id is not in the catalog (kept on the unknown product member)
-- category: referential_integrity
-- layer: gold
-- severity: warn
select facts.transaction_id, facts.line_number, facts.product_id
from gold.fact_transactions as facts
inner join gold.dim_product as products
    on products.product_key = facts.product_key
where products.product_id = '-1'
