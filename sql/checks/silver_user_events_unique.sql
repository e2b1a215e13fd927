-- description: Event ids that appear more than once in Silver (the MERGE key must be unique)
-- category: uniqueness
-- layer: silver
-- severity: error
select event_id, count(*) as copies
from silver.stg_user_events
group by event_id
having count(*) > 1
