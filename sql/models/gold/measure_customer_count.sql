-- grain: one row per RFM segment (gold.customer_360.rfm_segment, 'Prospects' for customers without orders)
-- measure: Customer Count (DAX twin [Customer Count], powerbi/measures.dax)
-- definition: the number of customers in the segment (rows of gold.customer_360); share_of_customers
-- divides it by all customers.
with

customers as (

    select * from gold.customer_360

),

by_segment as (

    select
        rfm_segment,
        count(*) as customer_count

    from customers

    group by rfm_segment

),

final as (

    select
        rfm_segment,
        customer_count,
        cast(div0(customer_count, nullif(sum(customer_count) over (), 0)) as decimal(10, 6)) as share_of_customers

    from by_segment

)

select * from final
