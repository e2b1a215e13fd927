/**
 * How the loader gets files into Bronze. `copy`: PUT, then one COPY per table on the warehouse,
 * inside the loader's own transaction (a warehouse runs for every load). `snowpipe`: PUT, then the
 * table's pipe is asked to load them (Snowpipe's serverless compute, billed per GB), with no
 * warehouse statement on the load path (lambdas/loader/snowpipe-load.ts). The local twin loads
 * into DuckDB, which has no pipes: it always runs the copy path.
 */
export const LOAD_MODES = ['copy', 'snowpipe'] as const;

export type LoadMode = (typeof LOAD_MODES)[number];

export const isLoadMode = (value: string): value is LoadMode => (LOAD_MODES as readonly string[]).includes(value);
