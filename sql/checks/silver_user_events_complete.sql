-- description: User events missing a field every event must have (id, user, session, type, time)
-- category: completeness
-- layer: silver
-- severity: error
select event_id, user_id, session_id, event_type, event_ts, source_file
from silver.stg_user_events
where event_id is null or event_id = ''
    or user_id is null or user_id = ''
    or session_id is null or session_id = ''
    or event_type is null
    or event_ts is null
