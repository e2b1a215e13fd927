-- grain: one row per transaction (transaction_id); a transaction delivered more than once keeps its first loaded copy
with

source as (

    select * from bronze.raw_transactions

),

renamed as (

    select

        ---------- ids
        trim(transaction_id) as transaction_id,
        trim(user_id) as user_id,
        nullif(trim(session_id), '') as session_id,

        ---------- amounts
        item_count,
        subtotal,
        discount,
        tax,
        total,
        upper(trim(currency)) as currency,

        ---------- attributes
        lower(trim(payment_method)) as payment_method,
        lower(trim(status)) as status,
        upper(trim(shipping_state)) as shipping_state,

        ---------- timestamps (UTC)
        event_ts,
        cast(event_ts as date) as event_date,

        ---------- kafka coordinates
        kafka_topic,
        kafka_partition,
        kafka_offset,
        kafka_timestamp,
        kafka_key,

        ---------- lineage
        _source_file as source_file,
        _source_row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

first_deliveries as (

    select * from renamed

    qualify row_number() over (
        partition by transaction_id
        order by loaded_at, source_file, source_row_number
    ) = 1

)

select * from first_deliveries
