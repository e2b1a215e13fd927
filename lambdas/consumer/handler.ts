/** Lambda entry point: the consumer wired to S3. Configuration is read once per container. */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../shared/adapters/s3-object-store.js';
import { requiredEnv } from '../shared/env.js';
import { logger, metrics } from '../shared/powertools.js';
import { cachedReferenceCatalog } from '../shared/reference-catalog.js';
import { makeConsumerHandler } from './make-handler.js';

const REFERENCE_TTL_MS = 5 * 60 * 1000;

const store = new S3ObjectStore(new S3Client({}), requiredEnv('BUCKET_NAME'));

export const handler = makeConsumerHandler({
  store,
  referenceCatalog: cachedReferenceCatalog(store, REFERENCE_TTL_MS),
  logger,
  metrics,
});
