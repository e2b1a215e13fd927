-- description: Fact rows whose date, customer or product key has no row in its dimension
-- category: referential_integrity
-- layer: gold
-- severity: error
select 'fact_transactions' as fact, facts.transaction_id as id, facts.date_key, facts.customer_key, facts.product_key
from gold.fact_transactions as facts
left join gold.dim_date as dates on dates.date_key = facts.date_key
left join gold.dim_customer as customers on customers.customer_key = facts.customer_key
left join gold.dim_product as products on products.product_key = facts.product_key
where dates.date_key is null or customers.customer_key is null or products.product_key is null

union all

select 'fact_user_activity' as fact, facts.event_id as id, facts.date_key, facts.customer_key, facts.product_key
from gold.fact_user_activity as facts
left join gold.dim_date as dates on dates.date_key = facts.date_key
left join gold.dim_customer as customers on customers.customer_key = facts.customer_key
left join gold.dim_product as products on products.product_key = facts.product_key
where dates.date_key is null
    or customers.customer_key is null
    or (facts.product_key is not null and products.product_key is null)
