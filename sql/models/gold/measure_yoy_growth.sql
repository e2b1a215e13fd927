-- grain: one row per calendar month (year_month) in gold.dim_date
-- measure: YoY Growth (DAX twin [YoY Growth], powerbi/measures.dax)
-- definition: (revenue - prior_year_revenue) / prior_year_revenue, where revenue is the total
-- revenue of the month's days in gold.dim_date (the current month runs to the last day with data)
-- and prior_year_revenue the total revenue of the same days one year earlier (SAMEPERIODLASTYEAR,
-- each prior-year day counted once). NULL unless the warehouse has every one of those prior-year
-- days (a month half covered a year ago is no comparison) or when their revenue is 0.
with

daily as (

    select * from gold.int_daily_revenue_spine

),

monthly as (

    select
        year_month,
        min(date_day) as month_start,
        max(date_day) as month_end,
        count(*) as days,
        sum(revenue) as revenue

    from daily

    group by year_month

),

prior_year_days as (

    -- distinct, so 29 February and 28 February map to one prior-year day, not two
    select distinct
        year_month,
        cast(dateadd('year', -1, date_day) as date) as prior_day

    from daily

),

prior_year as (

    select
        prior_year_days.year_month,
        count(*) as prior_year_days_needed,
        count(earlier.date_day) as prior_year_days_found,
        sum(earlier.revenue) as prior_year_revenue

    from prior_year_days
    left join daily as earlier
        on earlier.date_day = prior_year_days.prior_day

    group by prior_year_days.year_month

),

final as (

    select
        monthly.year_month,
        monthly.month_start,
        monthly.month_end,
        monthly.days,
        cast(monthly.revenue as decimal(14, 2)) as revenue,
        cast(prior_year.prior_year_revenue as decimal(14, 2)) as prior_year_revenue,
        prior_year.prior_year_days_found = prior_year.prior_year_days_needed as is_prior_year_covered,
        cast(
            iff(
                prior_year.prior_year_days_found = prior_year.prior_year_days_needed,
                div0(monthly.revenue - prior_year.prior_year_revenue, nullif(prior_year.prior_year_revenue, 0)),
                null
            )
            as decimal(12, 6)
        ) as yoy_growth

    from monthly
    left join prior_year
        on prior_year.year_month = monthly.year_month

)

select * from final
