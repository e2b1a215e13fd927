-- description: Product ids that appear more than once in dim_product
-- category: uniqueness
-- layer: gold
-- severity: error
select product_id, count(*) as copies
from gold.dim_product
group by product_id
having count(*) > 1
