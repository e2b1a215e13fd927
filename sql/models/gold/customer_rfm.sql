-- grain: one row per customer (user_id) with at least one completed transaction
-- RFM scores and segment, as of the last day with data (gold.dim_date), so a replay scores the same.
--   recency_days   days from the customer's last completed order to the as-of date
--   frequency      completed orders; monetary: their total revenue
--   *_score        1 to 5 by rank among scored customers: 1 + floor(5 * (rank - 1) / customers),
--                  ranked so that 5 is best (most recent, most orders, most spend); ties share
--                  the lower rank, so equal values always get equal scores
--   rfm_segment    the first rule that matches:
--                  Champions            recency >= 4, frequency >= 4, monetary >= 4
--                  Loyal                recency >= 3, frequency >= 4
--                  New                  recency >= 4, one order
--                  Potential Loyalists  recency >= 4
--                  At Risk              recency <= 2, frequency >= 3
--                  Hibernating          recency <= 2
--                  Need Attention       everyone else
with

dates as (

    select * from gold.dim_date

),

lines as (

    select * from gold.fact_transactions

),

as_of as (

    select max(date_day) as as_of_date from dates

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

customers as (

    select
        user_id,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        count(*) as frequency,
        sum(order_total) as monetary

    from orders

    group by user_id

),

measured as (

    select
        customers.*,
        as_of.as_of_date,
        datediff('day', customers.last_order_date, as_of.as_of_date) as recency_days,
        count(*) over () as customers_scored

    from customers
    cross join as_of

),

ranked as (

    select
        measured.*,
        rank() over (order by recency_days desc) as recency_rank,
        rank() over (order by frequency) as frequency_rank,
        rank() over (order by monetary) as monetary_rank

    from measured

),

scored as (

    select
        user_id,
        first_order_date,
        last_order_date,
        as_of_date,
        recency_days,
        frequency,
        cast(monetary as decimal(14, 2)) as monetary,
        cast(1 + floor(div0(5 * (recency_rank - 1), customers_scored)) as integer) as recency_score,
        cast(1 + floor(div0(5 * (frequency_rank - 1), customers_scored)) as integer) as frequency_score,
        cast(1 + floor(div0(5 * (monetary_rank - 1), customers_scored)) as integer) as monetary_score

    from ranked

),

segmented as (

    select
        scored.*,
        to_varchar(recency_score) || to_varchar(frequency_score) || to_varchar(monetary_score) as rfm_score,
        case
            when recency_score >= 4 and frequency_score >= 4 and monetary_score >= 4 then 'Champions'
            when recency_score >= 3 and frequency_score >= 4 then 'Loyal'
            when recency_score >= 4 and frequency = 1 then 'New'
            when recency_score >= 4 then 'Potential Loyalists'
            when recency_score <= 2 and frequency_score >= 3 then 'At Risk'
            when recency_score <= 2 then 'Hibernating'
            else 'Need Attention'
        end as rfm_segment

    from scored

)

select * from segmented
