-- description: Transactions missing a field every transaction must have (id, user, time, amounts, status)
-- category: completeness
-- layer: silver
-- severity: error
select transaction_id, user_id, event_ts, subtotal, total, status, source_file
from silver.stg_transactions
where transaction_id is null or transaction_id = ''
    or user_id is null or user_id = ''
    or event_ts is null
    or subtotal is null or discount is null or tax is null or total is null
    or status is null or payment_method is null
