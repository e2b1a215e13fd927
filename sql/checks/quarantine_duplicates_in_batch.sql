-- description: Records quarantined as a second copy of an id already in the same batch
-- category: uniqueness
-- layer: bronze
-- severity: warn
select kafka_topic, kafka_partition, kafka_offset, reason_code, reasons
from bronze.raw_quarantine
where reason_code = 'duplicate_in_batch'
