-- description: Customers without exactly one current version in the SCD2 dimension, or with overlapping versions
-- category: uniqueness
-- layer: gold
-- severity: error
select user_id, count(*) as versions, sum(iff(is_current, 1, 0)) as current_versions
from gold.dim_customer
group by user_id
having sum(iff(is_current, 1, 0)) <> 1
    or count(*) <> count(distinct valid_from)
