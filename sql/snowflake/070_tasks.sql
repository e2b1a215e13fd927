-- The task graph refresh_silver -> refresh_gold -> dq_checks, generated from the one declaration
-- in lambdas/warehouse/task-graph.ts: the root is a triggered task (no schedule) that runs WHEN one
-- of the graph's streams has data, Silver streams included, so a failed refresh_gold is retried;
-- the root is suspended while the graph is replaced, then children are resumed before it.
{{ generated: tasks }}
