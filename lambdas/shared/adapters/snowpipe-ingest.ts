/**
 * The pipe-ingest port on Snowflake: PUT through the loader's snowflake-sdk session (cloud
 * services, no warehouse resumes for it), then `insertFiles` on the table's pipe over the Snowpipe
 * REST API, signed with the same key.
 */
import type { PipeIngest } from '../ports/pipe-ingest.js';
import type { TableName } from '../ports/warehouse.js';
import { pipeNameFor } from './snowflake-load-sql.js';
import type { SnowflakeWarehouse } from './snowflake-warehouse.js';
import type { SnowpipeRestClient } from './snowpipe-rest.js';

/** Most paths one insertFiles request may carry (data-load-snowpipe-rest-apis: "no more than 5000 files"). */
export const MAX_FILES_PER_INSERT = 5000;

export const snowpipeIngest = (warehouse: Pick<SnowflakeWarehouse, 'stageForPipe'>, rest: Pick<SnowpipeRestClient, 'insertFiles'>): PipeIngest => ({
  stage: (table: TableName, path: string, bytes: Uint8Array) => warehouse.stageForPipe(table, path, bytes),
  submit: async (table: TableName, paths: readonly string[]) => {
    for (let start = 0; start < paths.length; start += MAX_FILES_PER_INSERT) {
      await rest.insertFiles(pipeNameFor(table), paths.slice(start, start + MAX_FILES_PER_INSERT));
    }
  },
});
