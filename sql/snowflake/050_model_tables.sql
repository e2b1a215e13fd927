-- Silver and Gold tables and views, created empty (or, for rebuilt tables, from their model) with
-- the columns of sql/models/<layer>/<table>.sql, in the task graph's order
-- (lambdas/warehouse/task-graph.ts; rendered by lambdas/warehouse/snowflake-tasks.ts).
{{ generated: model_tables }}
