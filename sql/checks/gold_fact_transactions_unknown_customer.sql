-- description: Transaction lines whose user_id is not a known customer (kept on the unknown customer member)
-- category: referential_integrity
-- layer: gold
-- severity: warn
select facts.transaction_id, facts.line_number, facts.user_id
from gold.fact_transactions as facts
inner join gold.dim_customer as customers
    on customers.customer_key = facts.customer_key
where customers.user_id = '-1'
