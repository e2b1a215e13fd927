-- grain: one row per customer (user_id), as the most recently loaded reference snapshot describes it
with

source as (

    select * from bronze.raw_customers

),

renamed as (

    select

        ---------- ids
        trim(user_id) as user_id,

        ---------- attributes
        lower(trim(email)) as email,
        trim(first_name) as first_name,
        trim(last_name) as last_name,
        lower(trim(account_type)) as account_type,
        loyalty_points,
        upper(trim(state)) as state,
        trim(region) as region,

        ---------- dates
        registration_date,
        date_of_birth,

        ---------- lineage
        _source_file as source_file,
        _source_row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

latest_snapshot as (

    select * from renamed

    qualify row_number() over (
        partition by user_id
        order by loaded_at desc, source_file desc, source_row_number desc
    ) = 1

)

select * from latest_snapshot
