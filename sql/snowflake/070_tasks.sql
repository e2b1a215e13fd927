-- The task graph refresh_silver -> refresh_gold -> dq_checks, generated from the one declaration
-- in lambdas/warehouse/task-graph.ts: the root runs on a schedule only WHEN one of its streams has
-- data; the root is suspended while the graph is replaced, then children are resumed before it.
{{ generated: tasks }}
