-- grain: one row per calendar day (gold.dim_date)
-- A day's total revenue against the trailing window of the days before it (gold.analytics_settings:
-- anomaly_window_days, anomaly_z_threshold):
--   z_score     (revenue - trailing_mean) / trailing_stddev (sample standard deviation); NULL when
--               the window's revenue never varied
--   is_anomaly  |z_score| above the threshold, judged only once a full window of history exists
--   direction   'spike' or 'drop' for an anomaly, NULL otherwise
with

settings as (

    select * from gold.analytics_settings

),

daily as (

    select * from gold.int_daily_revenue_spine

),

trailing_window as (

    -- a join on a date range rather than a window frame, so the window length is a setting
    select
        daily.date_day,
        max(daily.revenue) as revenue,
        count(earlier.date_day) as window_days,
        div0(sum(earlier.revenue), nullif(count(earlier.revenue), 0)) as trailing_mean,
        stddev_samp(earlier.revenue) as trailing_stddev

    from daily
    cross join settings
    left join daily as earlier
        on earlier.date_day between cast(dateadd('day', -settings.anomaly_window_days, daily.date_day) as date)
        and cast(dateadd('day', -1, daily.date_day) as date)

    group by daily.date_day

),

scored as (

    select
        trailing_window.date_day,
        cast(trailing_window.revenue as decimal(14, 2)) as revenue,
        trailing_window.window_days,
        cast(trailing_window.trailing_mean as decimal(14, 2)) as trailing_mean,
        cast(trailing_window.trailing_stddev as decimal(14, 2)) as trailing_stddev,
        cast(div0(trailing_window.revenue - trailing_window.trailing_mean, nullif(trailing_window.trailing_stddev, 0)) as decimal(12, 4)) as z_score,
        settings.anomaly_window_days,
        settings.anomaly_z_threshold

    from trailing_window
    cross join settings

),

flagged as (

    select
        scored.*,
        coalesce(window_days = anomaly_window_days and abs(z_score) > anomaly_z_threshold, false) as is_anomaly

    from scored

),

final as (

    select
        flagged.*,
        case
            when not is_anomaly then null
            when z_score > 0 then 'spike'
            else 'drop'
        end as direction

    from flagged

)

select * from final
