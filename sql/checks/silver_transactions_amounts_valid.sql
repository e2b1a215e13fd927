-- description: Transactions with a negative amount, a discount above the subtotal, items that do not add up to the subtotal, or a total that is not subtotal - discount + tax (1 cent tolerance)
-- category: validity
-- layer: silver
-- severity: error
with

item_sums as (

    select transaction_id, sum(line_amount) as items_amount
    from silver.stg_transaction_items
    group by transaction_id

)

select
    transactions.transaction_id,
    transactions.subtotal,
    item_sums.items_amount,
    transactions.discount,
    transactions.tax,
    transactions.total

from silver.stg_transactions as transactions
left join item_sums
    on item_sums.transaction_id = transactions.transaction_id

where transactions.subtotal < 0 or transactions.discount < 0 or transactions.tax < 0 or transactions.total < 0
    or transactions.discount > transactions.subtotal
    or abs(transactions.subtotal - zeroifnull(item_sums.items_amount)) > 0.01
    or abs(transactions.total - (transactions.subtotal - transactions.discount + transactions.tax)) > 0.01
