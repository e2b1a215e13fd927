-- description: Records quarantined because they could not be read at all (malformed JSON, not an object, not UTF-8, tombstones, unreadable input lines)
-- category: validity
-- layer: bronze
-- severity: warn
select kafka_topic, kafka_partition, kafka_offset, reason_code, value
from bronze.raw_quarantine
where reason_code in ('malformed_json', 'not_an_object', 'invalid_utf8', 'tombstone', 'invalid_input_line')
