-- grain: one row per RFM segment (gold.customer_360.rfm_segment, 'Prospects' for customers without orders)
-- measure: Average Lifetime Value (DAX twin [Average Lifetime Value], powerbi/measures.dax)
-- definition: the mean lifetime_value (total revenue of completed transactions to date) of the
-- segment's customers; lifetime_value is their sum.
with

customers as (

    select * from gold.customer_360

),

by_segment as (

    select
        rfm_segment,
        count(*) as customers,
        cast(sum(lifetime_value) as decimal(14, 2)) as lifetime_value,
        cast(div0(sum(lifetime_value), nullif(count(lifetime_value), 0)) as decimal(14, 2)) as average_lifetime_value

    from customers

    group by rfm_segment

)

select * from by_segment
