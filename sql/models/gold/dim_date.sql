-- grain: one row per calendar day (UTC), from the first to the last day that has events or transactions
with

event_days as (

    select event_date as date_day from silver.stg_user_events
    union all
    select event_date as date_day from silver.stg_transactions

),

bounds as (

    select
        min(date_day) as first_day,
        max(date_day) as last_day

    from event_days

),

digits as (

    select n from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as digits (n)

),

day_offsets as (

    -- 0 to 9,999 (27 years) from plain VALUES: no generator function, so both engines run it as is
    select thousands.n * 1000 + hundreds.n * 100 + tens.n * 10 + units.n as day_offset

    from digits as thousands
    cross join digits as hundreds
    cross join digits as tens
    cross join digits as units

),

spine as (

    select cast(dateadd('day', day_offsets.day_offset, bounds.first_day) as date) as date_day

    from bounds
    inner join day_offsets
        on day_offsets.day_offset <= datediff('day', bounds.first_day, bounds.last_day)

),

calendar as (

    select
        year(date_day) * 10000 + month(date_day) * 100 + day(date_day) as date_key,
        date_day,
        year(date_day) as calendar_year,
        quarter(date_day) as calendar_quarter,
        month(date_day) as month_of_year,
        to_char(date_day, 'MON') as month_name,
        to_char(date_day, 'YYYY-MM') as year_month,
        day(date_day) as day_of_month,
        dayofweekiso(date_day) as day_of_week_iso,
        to_char(date_day, 'DY') as day_name,
        weekiso(date_day) as iso_week,
        dayofweekiso(date_day) in (6, 7) as is_weekend

    from spine

)

select * from calendar
