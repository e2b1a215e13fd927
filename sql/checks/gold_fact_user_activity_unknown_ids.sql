-- description: Events whose user_id or product_id is not in the reference data (kept on the unknown members)
-- category: referential_integrity
-- layer: gold
-- severity: warn
select facts.event_id, facts.user_id, facts.product_id
from gold.fact_user_activity as facts
left join gold.dim_customer as customers
    on customers.customer_key = facts.customer_key
left join gold.dim_product as products
    on products.product_key = facts.product_key
where customers.user_id = '-1'
    or products.product_id = '-1'
