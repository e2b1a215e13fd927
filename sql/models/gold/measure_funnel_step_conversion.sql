-- grain: one row per funnel step: page_view, product_view, add_to_cart, checkout_start, purchase
-- measure: Funnel Step Conversion (DAX twin [Funnel Step Conversion], powerbi/measures.dax)
-- definition: sessions with an event of the step divided by sessions with an event of the step
-- before (NULL for the first step); conversion_from_first_step divides by the first step's sessions.
with

events as (

    select * from gold.fact_user_activity

),

steps as (

    select funnel_step, event_type
    from (
        values (1, 'page_view'), (2, 'product_view'), (3, 'add_to_cart'), (4, 'checkout_start'), (5, 'purchase')
    ) as steps (funnel_step, event_type)

),

sessions_per_step as (

    select
        funnel_step,
        count(distinct session_id) as sessions

    from events

    where funnel_step is not null

    group by funnel_step

),

final as (

    select
        steps.funnel_step,
        steps.event_type,
        coalesce(sessions_per_step.sessions, 0) as sessions,
        cast(
            div0(sessions_per_step.sessions, nullif(lag(sessions_per_step.sessions) over (order by steps.funnel_step), 0))
            as decimal(10, 6)
        ) as funnel_step_conversion,
        cast(
            div0(sessions_per_step.sessions, nullif(first_value(sessions_per_step.sessions) over (order by steps.funnel_step), 0))
            as decimal(10, 6)
        ) as conversion_from_first_step

    from steps
    left join sessions_per_step
        on sessions_per_step.funnel_step = steps.funnel_step

)

select * from final
