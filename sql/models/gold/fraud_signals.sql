-- grain: one row per transaction (transaction_id), of any status
-- Fraud signals, each a rule with its thresholds in gold.analytics_settings; fraud_rules names the
-- rules that fired ('high_amount, order_burst'), NULL when none did:
--   high_amount             total above fraud_amount_multiple x the customer's average earlier
--                           transaction, once the customer has fraud_min_history earlier ones
--   order_burst             fraud_burst_orders or more transactions by the customer within
--                           fraud_burst_minutes, ending with this one
--   payment_method_hopping  fraud_payment_methods or more distinct payment methods used by the
--                           customer within fraud_payment_window_hours, ending with this one
-- "Earlier" means before this transaction's event time (ties broken by transaction_id), so each
-- flag is what a rule running at that moment would have raised.
with

settings as (

    select * from gold.analytics_settings

),

lines as (

    select * from gold.fact_transactions

),

transactions as (

    select
        transaction_id,
        max(user_id) as user_id,
        max(event_ts) as event_ts,
        max(transaction_date) as transaction_date,
        max(payment_method) as payment_method,
        max(status) as status,
        sum(line_total) as total

    from lines

    group by transaction_id

),

history as (

    select
        transactions.*,
        count(*) over (
            partition by user_id
            order by event_ts, transaction_id
            rows between unbounded preceding and 1 preceding
        ) as earlier_transactions,
        avg(total) over (
            partition by user_id
            order by event_ts, transaction_id
            rows between unbounded preceding and 1 preceding
        ) as earlier_average_total

    from transactions

),

bursts as (

    select
        transactions.transaction_id,
        count(*) as transactions_in_burst_window

    from transactions
    cross join settings
    inner join transactions as others
        on others.user_id = transactions.user_id
        and others.event_ts between dateadd('minute', -settings.fraud_burst_minutes, transactions.event_ts) and transactions.event_ts

    group by transactions.transaction_id

),

payment_methods as (

    select
        transactions.transaction_id,
        count(distinct others.payment_method) as payment_methods_in_window

    from transactions
    cross join settings
    inner join transactions as others
        on others.user_id = transactions.user_id
        and others.event_ts between dateadd('hour', -settings.fraud_payment_window_hours, transactions.event_ts) and transactions.event_ts

    group by transactions.transaction_id

),

rules as (

    select
        history.transaction_id,
        history.user_id,
        history.event_ts,
        history.transaction_date,
        history.payment_method,
        history.status,
        cast(history.total as decimal(14, 2)) as total,
        history.earlier_transactions,
        cast(history.earlier_average_total as decimal(14, 2)) as earlier_average_total,
        bursts.transactions_in_burst_window,
        payment_methods.payment_methods_in_window,
        coalesce(
            history.earlier_transactions >= settings.fraud_min_history
            and history.total > settings.fraud_amount_multiple * history.earlier_average_total,
            false
        ) as is_high_amount,
        bursts.transactions_in_burst_window >= settings.fraud_burst_orders as is_order_burst,
        payment_methods.payment_methods_in_window >= settings.fraud_payment_methods as is_payment_method_hopping

    from history
    cross join settings
    inner join bursts
        on bursts.transaction_id = history.transaction_id
    inner join payment_methods
        on payment_methods.transaction_id = history.transaction_id

),

final as (

    select
        rules.*,
        nullif(
            rtrim(
                iff(is_high_amount, 'high_amount, ', '')
                || iff(is_order_burst, 'order_burst, ', '')
                || iff(is_payment_method_hopping, 'payment_method_hopping, ', ''),
                ', '
            ),
            ''
        ) as fraud_rules,
        is_high_amount or is_order_burst or is_payment_method_hopping as is_flagged

    from rules

)

select * from final
