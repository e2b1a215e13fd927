-- Bronze tables and the control tables (load history, data quality results), generated from the
-- table contracts (lambdas/shared/contracts/tables.ts, lambdas/warehouse/control-tables.ts) so the
-- gold CSV header, this DDL and the loader's COPY column list cannot drift apart.
{{ generated: bronze_tables }}
