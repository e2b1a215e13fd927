-- description: Records quarantined for an event time before 2000 or more than a day after the broker's clock
-- category: validity
-- layer: bronze
-- severity: warn
select kafka_topic, kafka_partition, kafka_offset, kafka_timestamp, reason_code, reasons
from bronze.raw_quarantine
where reason_code in ('ancient_timestamp', 'future_timestamp')
