/**
 * Port: Snowpipe mode's way into Bronze (lambdas/loader/snowpipe-load.ts). Staging a file and
 * asking the table's pipe to load it take no warehouse: PUT runs on Snowflake's cloud services
 * and the Snowpipe REST API queues files for serverless loading. The Snowflake adapter is
 * lambdas/shared/adapters/snowpipe-ingest.ts; the local twin has no pipes and loads by COPY.
 */
import type { TableName } from './warehouse.js';

export interface PipeIngest {
  /**
   * Stages bytes at `path` under the table's pipe folder (`<version folder>/<key>/<file name>`,
   * snowflake-load-sql.ts pipePathFor), leaving a file already there as it is.
   */
  stage(table: TableName, path: string, bytes: Uint8Array): Promise<void>;
  /** Asks the table's pipe to load staged paths; a path it loaded before is skipped by the pipe. */
  submit(table: TableName, paths: readonly string[]): Promise<void>;
}
