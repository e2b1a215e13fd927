-- grain: one row per customer (user_id) with its current profile, plus one "unknown customer" row (user_id '-1'); the task graph keeps the history as SCD type 2
with

customers as (

    select * from silver.stg_customers

),

profiles as (

    select
        user_id,
        email,
        first_name,
        last_name,
        first_name || ' ' || last_name as full_name,
        account_type,
        loyalty_points,
        case
            when loyalty_points >= 15000 then 'gold'
            when loyalty_points >= 5000 then 'silver'
            else 'bronze'
        end as loyalty_tier,
        state,
        region,
        registration_date,
        date_of_birth,
        -- when this profile was loaded: a new SCD2 version starts here
        loaded_at as updated_at

    from customers

),

unknown_customer as (

    -- '-1' cannot collide with a real id: ids start with a letter or digit
    select
        '-1' as user_id,
        cast(null as varchar) as email,
        'Unknown' as first_name,
        'customer' as last_name,
        'Unknown customer' as full_name,
        'unknown' as account_type,
        cast(null as integer) as loyalty_points,
        'unknown' as loyalty_tier,
        cast(null as varchar) as state,
        'Unknown' as region,
        cast(null as date) as registration_date,
        cast(null as date) as date_of_birth,
        cast('1900-01-01 00:00:00' as timestamp) as updated_at

),

all_customers as (

    select * from profiles
    union all
    select * from unknown_customer

)

select * from all_customers
