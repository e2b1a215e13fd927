-- grain: one row per reporting period (gold.dim_reporting_period)
-- measure: Unique Users (DAX twin [Unique Users], powerbi/measures.dax)
-- definition: distinct customers (user_id) with at least one user event (any type) in the
-- period. Not additive: a month's users do not add up to the year's.
-- comparison: previous_unique_users is the measure in the period's comparison_period
-- (gold.dim_reporting_period); unique_users_change the relative change, (this - previous) / previous,
-- NULL when previous is 0 or missing.
with

periods as (

    select * from gold.dim_reporting_period

),

users as (

    select * from gold.int_period_totals

),

final as (

    select
        periods.*,
        users.unique_users,
        users.previous_unique_users,
        cast(div0(users.unique_users - users.previous_unique_users, nullif(users.previous_unique_users, 0)) as decimal(12, 6)) as unique_users_change

    from periods
    inner join users
        on users.period = periods.period

)

select * from final
