-- One stream on each table an incremental step reads its changes from (the `changesFrom` of the
-- task graph's MERGE steps). The tasks read only their inserted rows and so move their offsets.
{{ generated: streams }}
