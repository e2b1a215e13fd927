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

events as (

    select * from gold.fact_user_activity

),

sessions as (

    select
        periods.period,
        count(distinct events.session_id) as sessions,
        count(distinct iff(events.event_type = 'purchase', events.session_id, null)) as converted_sessions

    from periods
    inner join events
        on events.event_date between periods.period_start and periods.period_end

    group by periods.period

),

measured as (

    select
        periods.period,
        periods.period_kind,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        periods.comparison_period,
        periods.sort_order,
        coalesce(sessions.sessions, 0) as sessions,
        coalesce(sessions.converted_sessions, 0) as converted_sessions,
        cast(div0(sessions.converted_sessions, nullif(sessions.sessions, 0)) as decimal(10, 6)) as conversion_rate

    from periods
    left join sessions
        on sessions.period = periods.period

),

compared as (

    select
        measured.*,
        previous.conversion_rate as previous_conversion_rate,
        cast(div0(measured.conversion_rate - previous.conversion_rate, nullif(previous.conversion_rate, 0)) as decimal(12, 6)) as conversion_rate_change

    from measured
    left join measured as previous
        on previous.period = measured.comparison_period

)

select * from compared
