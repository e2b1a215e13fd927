-- description: Records quarantined for a value of the wrong type or out of its valid range (negative amounts, totals that do not add up, unknown enum values), or text holding a control character no CSV field carries
-- category: validity
-- layer: bronze
-- severity: warn
select kafka_topic, kafka_partition, kafka_offset, reason_code, reasons
from bronze.raw_quarantine
where reason_code in ('invalid_type', 'invalid_value', 'control_character')
