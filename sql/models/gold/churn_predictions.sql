-- grain: one row per current customer (user_id), scored by the latest churn model
-- A view: it scores gold.churn_features' 'scoring' snapshot with the coefficients the trainer
-- (lambdas/churn/train-churn-model.ts) stored in gold.churn_model, so the scores follow every
-- refresh of the features and every new model, in either warehouse, with no copy of the model.
--   churn_probability   1 / (1 + exp(-(intercept + sum of coefficient * (transform(x) - center) / scale)))
--   risk_band           high from 0.6, medium from 0.3, else low
--   scored_at           when the view was read (it scores on read)
with

features as (

    select * from gold.churn_features where snapshot = 'scoring'

),

models as (

    select * from gold.churn_model

),

evaluations as (

    select * from gold.churn_model_evaluation

),

latest_model as (

    select model_version
    from evaluations
    qualify row_number() over (order by trained_at desc, model_version desc) = 1

),

coefficients as (

    select models.*
    from models
    inner join latest_model
        on latest_model.model_version = models.model_version

),

-- one row per customer and model input; the list matches CHURN_FEATURES in lambdas/churn/churn-features.ts
inputs as (

    select user_id, 'recency_days' as feature, cast(recency_days as double) as value from features
    union all select user_id, 'frequency', cast(frequency as double) from features
    union all select user_id, 'monetary', cast(monetary as double) from features
    union all select user_id, 'average_order_value', cast(average_order_value as double) from features
    union all select user_id, 'spend_30_days', cast(spend_30_days as double) from features
    union all select user_id, 'spend_60_days', cast(spend_60_days as double) from features
    union all select user_id, 'spend_90_days', cast(spend_90_days as double) from features
    union all select user_id, 'spend_trend', cast(spend_trend as double) from features
    union all select user_id, 'sessions_30_days', cast(sessions_30_days as double) from features
    union all select user_id, 'sessions_90_days', cast(sessions_90_days as double) from features
    union all select user_id, 'events_90_days', cast(events_90_days as double) from features
    union all select user_id, 'cart_adds_90_days', cast(cart_adds_90_days as double) from features
    union all select user_id, 'days_since_last_visit', cast(days_since_last_visit as double) from features
    union all select user_id, 'recency_score', cast(recency_score as double) from features
    union all select user_id, 'frequency_score', cast(frequency_score as double) from features
    union all select user_id, 'monetary_score', cast(monetary_score as double) from features

),

linear_scores as (

    select
        inputs.user_id,
        max(coefficients.model_version) as model_version,
        sum(
            coefficients.coefficient
            * (iff(coefficients.transform = 'log1p', ln(1 + greatest(inputs.value, 0)), inputs.value) - coefficients.center)
            / coefficients.scale
        ) as weighted_sum

    from inputs
    inner join coefficients
        on coefficients.feature = inputs.feature

    group by inputs.user_id

),

scored as (

    select
        linear_scores.user_id,
        -- clamped: exp() of a large argument overflows in Snowflake (DuckDB returns infinity)
        1 / (1 + exp(-greatest(least(linear_scores.weighted_sum + intercepts.coefficient, 30), -30))) as churn_probability,
        linear_scores.model_version

    from linear_scores
    inner join coefficients as intercepts
        on intercepts.feature = '(intercept)'

),

final as (

    select
        scored.user_id,
        cast(scored.churn_probability as double) as churn_probability,
        case
            when scored.churn_probability >= 0.6 then 'high'
            when scored.churn_probability >= 0.3 then 'medium'
            else 'low'
        end as risk_band,
        features.rfm_segment,
        features.recency_days,
        features.days_since_last_visit,
        features.monetary,
        scored.model_version,
        current_timestamp as scored_at

    from scored
    inner join features
        on features.user_id = scored.user_id

)

select * from final
