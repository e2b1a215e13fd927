-- description: Records quarantined because their topic has no contract
-- category: validity
-- layer: bronze
-- severity: warn
select kafka_topic, kafka_partition, kafka_offset, reason_code, value
from bronze.raw_quarantine
where reason_code = 'unknown_topic'
