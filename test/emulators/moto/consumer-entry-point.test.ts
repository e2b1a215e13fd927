import '../../support/quiet-powertools.js';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { S3ObjectStore } from '../../../lambdas/shared/adapters/s3-object-store.js';
import { validUserEventArb } from '../../support/arbitraries.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { mskEvent } from '../../support/msk-event.js';
import { describeOnEmulator } from '../support/emulators.js';
import { awsEnvironmentFor, type Moto, startMoto } from '../support/moto.js';

/** Loads the Lambda entry point afresh, so it reads the environment as a new container would. */
const loadHandlerModule = async () => {
  vi.resetModules();
  return import('../../../lambdas/consumer/handler.js');
};

describeOnEmulator('moto', "consumer Lambda entry point (handler.ts) against moto's S3", () => {
  let moto: Moto;

  beforeAll(async () => {
    moto = await startMoto();
  });

  afterAll(async () => {
    await moto?.stop();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("writes to the bucket named by BUCKET_NAME with the SDK's default configuration, against moto's S3", async () => {
    // Prepare: only the environment Lambda provides, plus the endpoint; no checksum settings, so the
    // SDK streams every upload with its default CRC32 trailer, as it does in Lambda.
    const bucket = await moto.createBucket('consumer-entry');
    vi.stubEnv('BUCKET_NAME', bucket);
    for (const [name, value] of Object.entries(awsEnvironmentFor(moto))) vi.stubEnv(name, value);
    const [record] = fc.sample(validUserEventArb, { numRuns: 1, seed: 201 });
    const { handler } = await loadHandlerModule();

    // Act
    const ledgers = await handler(mskEvent([{ topic: 'user_events', partition: 7, value: record!.value, timestamp: record!.timestamp }]), lambdaContext());

    // Assess
    expect(ledgers).toMatchObject([{ topic: 'user_events', partition: 7, in: 1, gold: 1, quarantined: 0 }]);
    const keys = (await new S3ObjectStore(moto.s3(), bucket).list('')).map((object) => object.key);
    expect(keys.filter((key) => key.includes('user_events+7+100-100'))).toHaveLength(2);
  });
});
