-- description: Records quarantined because a required field was missing
-- category: completeness
-- layer: bronze
-- severity: warn
select kafka_topic, kafka_partition, kafka_offset, reason_code, reasons
from bronze.raw_quarantine
where reason_code = 'missing_field'
