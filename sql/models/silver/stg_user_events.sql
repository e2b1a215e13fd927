-- grain: one row per user event (event_id); an event delivered more than once keeps its first loaded copy
with

source as (

    select * from bronze.raw_user_events

),

renamed as (

    select

        ---------- ids
        trim(event_id) as event_id,
        trim(user_id) as user_id,
        trim(session_id) as session_id,
        nullif(trim(product_id), '') as product_id,
        nullif(trim(transaction_id), '') as transaction_id,

        ---------- attributes
        lower(trim(event_type)) as event_type,
        trim(page_url) as page_url,
        nullif(trim(search_query), '') as search_query,
        lower(trim(device_type)) as device_type,
        lower(trim(browser)) as browser,
        lower(trim(operating_system)) as operating_system,
        lower(trim(referrer)) as referrer,

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
        partition by event_id
        order by loaded_at, source_file, source_row_number
    ) = 1

)

select * from first_deliveries
