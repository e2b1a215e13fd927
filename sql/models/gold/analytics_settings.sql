-- grain: one row per warehouse: the thresholds of the anomaly and fraud rules, kept in this one place
-- Change a threshold here and every rule that reads it (revenue_anomalies, fraud_signals) follows.
with

settings as (

    select

        ---------- revenue anomalies (gold.revenue_anomalies)
        -- a day is compared with this many days before it ...
        28 as anomaly_window_days,
        -- ... and flagged when its revenue is more than this many standard deviations from their mean
        cast(3 as decimal(6, 2)) as anomaly_z_threshold,

        ---------- fraud signals (gold.fraud_signals)
        -- high_amount: a total more than this many times the customer's average earlier transaction ...
        cast(3 as decimal(6, 2)) as fraud_amount_multiple,
        -- ... judged only once the customer has at least this many earlier transactions
        2 as fraud_min_history,
        -- order_burst: this many transactions by one customer ...
        3 as fraud_burst_orders,
        -- ... within this many minutes
        10 as fraud_burst_minutes,
        -- payment_method_hopping: this many distinct payment methods by one customer ...
        3 as fraud_payment_methods,
        -- ... within this many hours
        24 as fraud_payment_window_hours

)

select * from settings
