-- description: Transactions whose products did not flatten into any item (missing or unreadable JSON)
-- category: completeness
-- layer: silver
-- severity: error
select transactions.transaction_id, transactions.item_count, transactions.source_file
from silver.stg_transactions as transactions
left join silver.stg_transaction_items as items
    on items.transaction_id = transactions.transaction_id
where items.transaction_id is null
