/**
 * Lambda entry point: the loader wired to S3 and Snowflake. Configuration is read once per
 * container; the private key and the Snowflake session are cached across warm invocations.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { S3ObjectStore } from '../shared/adapters/s3-object-store.js';
import { secretsManagerPrivateKey } from '../shared/adapters/snowflake-private-key.js';
import { createSnowflakeWarehouse } from '../shared/adapters/snowflake-warehouse.js';
import { snowpipeIngest } from '../shared/adapters/snowpipe-ingest.js';
import { SnowpipeRestClient } from '../shared/adapters/snowpipe-rest.js';
import { isLoadMode } from '../shared/contracts/load-mode.js';
import { requiredEnv } from '../shared/env.js';
import { logger, metrics } from '../shared/powertools.js';
import { BRONZE_TABLES } from '../shared/contracts/bronze-tables.js';
import { makeLoaderHandler } from './make-handler.js';

const store = new S3ObjectStore(new S3Client({}), requiredEnv('BUCKET_NAME'));

const loadMode = requiredEnv('LOAD_MODE');
if (!isLoadMode(loadMode)) throw new Error(`LOAD_MODE must be copy or snowpipe, got "${loadMode}"`);

const target = {
  account: requiredEnv('SNOWFLAKE_ACCOUNT'),
  username: requiredEnv('SNOWFLAKE_USER'),
  database: requiredEnv('SNOWFLAKE_DATABASE'),
};
const privateKey = secretsManagerPrivateKey(new SecretsManagerClient({}), requiredEnv('SNOWFLAKE_SECRET_ARN'));

const warehouse = createSnowflakeWarehouse({
  ...target,
  role: requiredEnv('SNOWFLAKE_ROLE'),
  warehouse: requiredEnv('SNOWFLAKE_WAREHOUSE'),
  privateKey,
  queryTag: 'streamflow-loader',
  logger,
  // The loader writes Bronze and nothing else (its Snowflake role can do no more either).
  loadTables: BRONZE_TABLES.map((bronze) => bronze.table),
});

// Snowpipe mode: the same key signs the REST calls; the warehouse session is used for PUT only
// on the load path (and for the scheduled tick's history, metrics and churn model).
const pipes = loadMode === 'snowpipe' ? snowpipeIngest(warehouse, new SnowpipeRestClient(target, privateKey)) : undefined;

export const handler = makeLoaderHandler({ store, warehouse, logger, metrics, trainsChurnModel: true, ...(pipes ? { pipes } : {}) });
