-- grain: one row per customer (user_id) of the current reference data, buyers or not
-- Seed 001's customer 360 profile: the current profile, lifetime value, RFM segment and the
-- month-over-month change in spend.
--   lifetime_value         total revenue of the customer's completed transactions to date
--                          (historical customer lifetime value); 0 for a customer who never bought
--   average_order_value    lifetime_value / orders; NULL without orders
--   rfm_segment            from gold.customer_rfm; 'Prospects' for customers without completed orders
--   spend_last_30_days     total revenue of the last 30 days with data (the Executive Summary's
--   spend_prior_30_days    rolling periods, gold.dim_reporting_period), and of the 30 days before
--   mom_spend_change       spend_last_30_days - spend_prior_30_days
--   mom_spend_change_pct   that change divided by spend_prior_30_days; NULL when it is 0
with

customers as (

    select * from gold.dim_customer

),

rfm as (

    select * from gold.customer_rfm

),

lines as (

    select * from gold.fact_transactions

),

periods as (

    select * from gold.dim_reporting_period

),

current_profiles as (

    select
        user_id,
        full_name,
        email,
        account_type,
        loyalty_tier,
        loyalty_points,
        state,
        region,
        registration_date

    from customers

    where is_current and user_id <> '-1'

),

recent_spend as (

    select
        lines.user_id,
        sum(iff(periods.period = 'last_30_days', lines.line_total, 0)) as spend_last_30_days,
        sum(iff(periods.period = 'prior_30_days', lines.line_total, 0)) as spend_prior_30_days

    from lines
    inner join periods
        on lines.transaction_date between periods.period_start and periods.period_end
        and periods.period in ('last_30_days', 'prior_30_days')

    where lines.status = 'completed'

    group by lines.user_id

),

profiles as (

    select
        current_profiles.*,
        coalesce(rfm.frequency, 0) as orders,
        cast(coalesce(rfm.monetary, 0) as decimal(14, 2)) as lifetime_value,
        cast(div0(rfm.monetary, nullif(rfm.frequency, 0)) as decimal(14, 2)) as average_order_value,
        rfm.first_order_date,
        rfm.last_order_date,
        rfm.recency_days,
        rfm.recency_score,
        rfm.frequency_score,
        rfm.monetary_score,
        rfm.rfm_score,
        coalesce(rfm.rfm_segment, 'Prospects') as rfm_segment,
        cast(coalesce(recent_spend.spend_last_30_days, 0) as decimal(14, 2)) as spend_last_30_days,
        cast(coalesce(recent_spend.spend_prior_30_days, 0) as decimal(14, 2)) as spend_prior_30_days

    from current_profiles
    left join rfm
        on rfm.user_id = current_profiles.user_id
    left join recent_spend
        on recent_spend.user_id = current_profiles.user_id

),

final as (

    select
        profiles.*,
        cast(spend_last_30_days - spend_prior_30_days as decimal(14, 2)) as mom_spend_change,
        cast(div0(spend_last_30_days - spend_prior_30_days, nullif(spend_prior_30_days, 0)) as decimal(12, 6)) as mom_spend_change_pct

    from profiles

)

select * from final
