-- grain: one row per reporting period (gold.dim_reporting_period)
-- measure: Conversion Rate (DAX twin [Conversion Rate], powerbi/measures.dax)
-- definition: the share of sessions with a purchase event: distinct session_id of purchase
-- events divided by distinct session_id of all events in the period; NULL without sessions.
-- comparison: previous_conversion_rate is the measure in the period's comparison_period
-- (gold.dim_reporting_period); conversion_rate_change the relative change, (this - previous) / previous,
-- NULL when previous is 0 or missing.
with

periods as (

    select * from gold.dim_reporting_period

),

totals as (

    select * from gold.int_period_totals

),

rates as (

    -- rounded to the stored 6 decimals on both sides before the change is taken
    select
        totals.period,
        totals.sessions,
        totals.converted_sessions,
        cast(div0(totals.converted_sessions, nullif(totals.sessions, 0)) as decimal(10, 6)) as conversion_rate,
        cast(div0(totals.previous_converted_sessions, nullif(totals.previous_sessions, 0)) as decimal(10, 6)) as previous_conversion_rate

    from totals

),

final as (

    select
        periods.*,
        rates.sessions,
        rates.converted_sessions,
        rates.conversion_rate,
        rates.previous_conversion_rate,
        cast(div0(rates.conversion_rate - rates.previous_conversion_rate, nullif(rates.previous_conversion_rate, 0)) as decimal(12, 6)) as conversion_rate_change

    from periods
    inner join rates
        on rates.period = periods.period

)

select * from final
