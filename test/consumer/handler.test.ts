import '../support/quiet-powertools.js';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3ObjectStore } from '../../lambdas/shared/adapters/s3-object-store.js';
import { validUserEventArb } from '../support/arbitraries.js';
import { lambdaContext } from '../support/lambda-context.js';
import { mskEvent } from '../support/msk-event.js';
import { S3RVER_CREDENTIALS, S3RVER_REGION, startLocalS3, type LocalS3 } from '../support/s3-server.js';

let s3: LocalS3;

beforeAll(async () => {
  s3 = await startLocalS3('handler-bucket');
});

afterAll(async () => {
  await s3.stop();
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

/** Loads the Lambda entry point afresh, so it reads the environment as a new container would. */
const loadHandlerModule = async () => {
  vi.resetModules();
  return import('../../lambdas/consumer/handler.js');
};

describe('consumer Lambda entry point (handler.ts)', () => {
  it('refuses to load without BUCKET_NAME, naming the variable', async () => {
    // Prepare
    vi.stubEnv('BUCKET_NAME', '');

    // Act
    const loading = loadHandlerModule();

    // Assess
    await expect(loading).rejects.toThrow(/BUCKET_NAME/);
  });

  it('writes to the bucket named by BUCKET_NAME with the default SDK configuration, against a local S3 server (s3rver)', async () => {
    // Prepare: only environment variables, as Lambda provides them (plus the local endpoint).
    vi.stubEnv('BUCKET_NAME', s3.bucket);
    vi.stubEnv('AWS_REGION', S3RVER_REGION);
    vi.stubEnv('AWS_ACCESS_KEY_ID', S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', S3RVER_CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.endpoint);
    vi.stubEnv('AWS_REQUEST_CHECKSUM_CALCULATION', 'WHEN_REQUIRED');
    vi.stubEnv('AWS_RESPONSE_CHECKSUM_VALIDATION', 'WHEN_REQUIRED');
    const [record] = fc.sample(validUserEventArb, { numRuns: 1, seed: 201 });
    const { handler } = await loadHandlerModule();

    // Act
    const ledgers = await handler(mskEvent([{ topic: 'user_events', partition: 7, value: record!.value, timestamp: record!.timestamp }]), lambdaContext());

    // Assess
    expect(ledgers).toMatchObject([{ topic: 'user_events', partition: 7, in: 1, gold: 1, quarantined: 0 }]);
    const keys = (await new S3ObjectStore(s3.client(), s3.bucket).list('')).map((object) => object.key);
    expect(keys.filter((key) => key.includes('user_events+7+100-100'))).toHaveLength(2);
  });
});
