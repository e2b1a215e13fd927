-- grain: one row per topic and quarantine reason (the first reason of each rejected record, as the ledger counts it)
-- Data health: what the consumer rejected, from the quarantine loaded into Bronze.
with

quarantine as (

    select * from bronze.raw_quarantine

),

by_reason as (

    select
        kafka_topic as topic,
        coalesce(reason_code, 'unknown') as reason_code,
        count(*) as records

    from quarantine

    group by kafka_topic, coalesce(reason_code, 'unknown')

)

select * from by_reason
