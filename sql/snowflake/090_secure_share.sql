-- Seed 001's secure share: partners read the customer 360 profile without its personal data.
-- A secure view hides its definition and keeps the optimizer from exposing filtered-out rows
-- (https://docs.snowflake.com/en/user-guide/views-secure); only secure views can be shared
-- (https://docs.snowflake.com/en/user-guide/data-sharing-secure-views). No raw e-mail and no
-- name: the e-mail travels as a SHA-256 of its trimmed lower-case form, so a partner can match
-- it against their own list without reading it.
create or replace secure view &{database}.gold.customer_360_shared as
select
    user_id,
    sha2(lower(trim(email)), 256) as email_sha256,
    account_type,
    loyalty_tier,
    loyalty_points,
    state,
    region,
    registration_date,
    orders,
    lifetime_value,
    average_order_value,
    first_order_date,
    last_order_date,
    recency_days,
    recency_score,
    frequency_score,
    monetary_score,
    rfm_score,
    rfm_segment,
    spend_last_30_days,
    spend_prior_30_days,
    mom_spend_change,
    mom_spend_change_pct
from &{database}.gold.customer_360;

-- The share is an account object: named after the database, so scratch deploys do not collide.
-- Consumer accounts are added by `streamflow sql deploy --share-with ORG.ACCOUNT`.
create share if not exists &{database}_customer_360;
grant usage on database &{database} to share &{database}_customer_360;
grant usage on schema &{database}.gold to share &{database}_customer_360;
grant select on view &{database}.gold.customer_360_shared to share &{database}_customer_360;
