-- description: Records quarantined because their user_id or product_id is not in the reference data
-- category: referential_integrity
-- layer: bronze
-- severity: warn
select kafka_topic, kafka_partition, kafka_offset, reason_code, reasons
from bronze.raw_quarantine
where reason_code in ('unknown_user_id', 'unknown_product_id')
