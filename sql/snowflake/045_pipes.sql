-- Snowpipe mode only (`streamflow sql deploy --load-mode snowpipe`): one pipe per Bronze table, whose
-- COPY is the loader's own (lambdas/shared/adapters/snowflake-load-sql.ts) over the table's stage
-- folder, and one for bronze.load_manifest. The loader PUTs each file version under a folder of its
-- own and submits it through the Snowpipe REST API; the pipe's load metadata loads a path once.
{{ generated: pipes }}
