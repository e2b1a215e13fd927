-- grain: one row per customer (user_id) and snapshot ('scoring', 'training')
-- The churn model's inputs (lambdas/churn/), computed as of a snapshot date from what was known then:
--   scoring    as of the last day with data (gold.dim_date): every current customer, what
--              gold.churn_predictions scores
--   training   as of label_days earlier, for customers seen by then, with the label: churned = 1
--              when the customer neither visited nor bought in the label_days that followed.
--              Features stop at the snapshot date, so the model predicts the label, not restates it.
-- Churn is "no visit" rather than "no purchase": about 5 % of sessions buy, so at 50,000 events
-- a purchase-only label would call nearly every customer churned.
--   recency_days            days from the last completed order to the snapshot; days_observed without one
--   frequency, monetary     completed orders and their revenue; average_order_value = monetary / frequency
--   spend_30/60/90_days     revenue of the 30/60/90 days up to the snapshot
--   spend_trend             spend_30_days minus the monthly average of the 60 days before it
--   sessions_30/90_days, events_90_days, cart_adds_90_days, days_since_last_visit: engagement
--   recency/frequency/monetary_score, rfm_segment: as gold.customer_rfm, ranked within the snapshot
with

dates as (

    select * from gold.dim_date

),

customers as (

    select * from gold.dim_customer

),

lines as (

    select * from gold.fact_transactions

),

activity as (

    select * from gold.fact_user_activity

),

settings as (

    -- the churn horizon: days without a visit that count as churned, and how far back training looks
    select 60 as label_days

),

bounds as (

    select
        min(date_day) as first_day,
        max(date_day) as last_day

    from dates

),

snapshots as (

    select 'scoring' as snapshot, bounds.last_day as as_of_date, bounds.first_day, settings.label_days
    from bounds cross join settings
    union all
    select 'training' as snapshot, dateadd('day', -settings.label_days, bounds.last_day) as as_of_date, bounds.first_day, settings.label_days
    from bounds cross join settings

),

current_customers as (

    select user_id from customers where is_current and user_id <> '-1'

),

orders as (

    select
        transaction_id,
        max(user_id) as user_id,
        max(transaction_date) as order_date,
        sum(line_total) as order_total

    from lines

    where status = 'completed'

    group by transaction_id

),

visits as (

    select user_id, session_id, event_type, event_date as visit_date from activity
    union all
    -- a transaction is a visit too (a failed payment has no purchase event)
    select user_id, session_id, 'transaction' as event_type, transaction_date as visit_date from lines

),

order_features as (

    select
        snapshots.snapshot,
        orders.user_id,
        count(*) as frequency,
        sum(orders.order_total) as monetary,
        max(orders.order_date) as last_order_date,
        sum(iff(orders.order_date > dateadd('day', -30, snapshots.as_of_date), orders.order_total, 0)) as spend_30_days,
        sum(iff(orders.order_date > dateadd('day', -60, snapshots.as_of_date), orders.order_total, 0)) as spend_60_days,
        sum(iff(orders.order_date > dateadd('day', -90, snapshots.as_of_date), orders.order_total, 0)) as spend_90_days

    from orders
    inner join snapshots
        on orders.order_date <= snapshots.as_of_date

    group by snapshots.snapshot, orders.user_id

),

visit_features as (

    select
        snapshots.snapshot,
        visits.user_id,
        min(visits.visit_date) as first_visit_date,
        max(visits.visit_date) as last_visit_date,
        count(distinct iff(visits.visit_date > dateadd('day', -30, snapshots.as_of_date), visits.session_id, null)) as sessions_30_days,
        count(distinct iff(visits.visit_date > dateadd('day', -90, snapshots.as_of_date), visits.session_id, null)) as sessions_90_days,
        sum(iff(visits.visit_date > dateadd('day', -90, snapshots.as_of_date) and visits.event_type <> 'transaction', 1, 0)) as events_90_days,
        sum(iff(visits.visit_date > dateadd('day', -90, snapshots.as_of_date) and visits.event_type = 'add_to_cart', 1, 0)) as cart_adds_90_days

    from visits
    inner join snapshots
        on visits.visit_date <= snapshots.as_of_date

    group by snapshots.snapshot, visits.user_id

),

later_visits as (

    select distinct visits.user_id

    from visits
    inner join snapshots
        on snapshots.snapshot = 'training'
        and visits.visit_date > snapshots.as_of_date
        and visits.visit_date <= dateadd('day', snapshots.label_days, snapshots.as_of_date)

),

population as (

    select snapshots.*, current_customers.user_id

    from snapshots
    cross join current_customers
    left join visit_features
        on visit_features.snapshot = snapshots.snapshot
        and visit_features.user_id = current_customers.user_id

    -- training learns from customers seen by the snapshot; scoring covers every current customer
    where snapshots.snapshot = 'scoring' or visit_features.user_id is not null

),

measured as (

    select
        population.user_id,
        population.snapshot,
        population.as_of_date,
        datediff('day', population.first_day, population.as_of_date) + 1 as days_observed,
        coalesce(datediff('day', order_features.last_order_date, population.as_of_date), datediff('day', population.first_day, population.as_of_date) + 1) as recency_days,
        coalesce(order_features.frequency, 0) as frequency,
        cast(coalesce(order_features.monetary, 0) as decimal(14, 2)) as monetary,
        cast(div0(order_features.monetary, order_features.frequency) as decimal(14, 2)) as average_order_value,
        cast(coalesce(order_features.spend_30_days, 0) as decimal(14, 2)) as spend_30_days,
        cast(coalesce(order_features.spend_60_days, 0) as decimal(14, 2)) as spend_60_days,
        cast(coalesce(order_features.spend_90_days, 0) as decimal(14, 2)) as spend_90_days,
        cast(coalesce(order_features.spend_30_days - div0(order_features.spend_90_days - order_features.spend_30_days, 2), 0) as decimal(14, 2)) as spend_trend,
        coalesce(visit_features.sessions_30_days, 0) as sessions_30_days,
        coalesce(visit_features.sessions_90_days, 0) as sessions_90_days,
        coalesce(visit_features.events_90_days, 0) as events_90_days,
        coalesce(visit_features.cart_adds_90_days, 0) as cart_adds_90_days,
        coalesce(datediff('day', visit_features.last_visit_date, population.as_of_date), datediff('day', population.first_day, population.as_of_date) + 1) as days_since_last_visit,
        case
            when population.snapshot = 'scoring' then null
            when later_visits.user_id is null then 1
            else 0
        end as churned

    from population
    left join order_features
        on order_features.snapshot = population.snapshot
        and order_features.user_id = population.user_id
    left join visit_features
        on visit_features.snapshot = population.snapshot
        and visit_features.user_id = population.user_id
    left join later_visits
        on population.snapshot = 'training'
        and later_visits.user_id = population.user_id

),

ranked as (

    select
        measured.*,
        sum(iff(frequency > 0, 1, 0)) over (partition by snapshot) as customers_scored,
        rank() over (partition by snapshot, frequency > 0 order by recency_days desc) as recency_rank,
        rank() over (partition by snapshot, frequency > 0 order by frequency) as frequency_rank,
        rank() over (partition by snapshot, frequency > 0 order by monetary) as monetary_rank

    from measured

),

scored as (

    select
        ranked.*,
        iff(frequency > 0, cast(1 + floor(5 * (recency_rank - 1) / customers_scored) as integer), 0) as recency_score,
        iff(frequency > 0, cast(1 + floor(5 * (frequency_rank - 1) / customers_scored) as integer), 0) as frequency_score,
        iff(frequency > 0, cast(1 + floor(5 * (monetary_rank - 1) / customers_scored) as integer), 0) as monetary_score

    from ranked

),

final as (

    select
        user_id,
        snapshot,
        as_of_date,
        days_observed,
        recency_days,
        frequency,
        monetary,
        average_order_value,
        spend_30_days,
        spend_60_days,
        spend_90_days,
        spend_trend,
        sessions_30_days,
        sessions_90_days,
        events_90_days,
        cart_adds_90_days,
        days_since_last_visit,
        recency_score,
        frequency_score,
        monetary_score,
        case
            when frequency = 0 then 'Prospects'
            when recency_score >= 4 and frequency_score >= 4 and monetary_score >= 4 then 'Champions'
            when recency_score >= 3 and frequency_score >= 4 then 'Loyal'
            when recency_score >= 4 and frequency = 1 then 'New'
            when recency_score >= 4 then 'Potential Loyalists'
            when recency_score <= 2 and frequency_score >= 3 then 'At Risk'
            when recency_score <= 2 then 'Hibernating'
            else 'Need Attention'
        end as rfm_segment,
        churned

    from scored

)

select * from final
