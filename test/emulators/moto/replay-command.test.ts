import '../../support/quiet-powertools.js';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { S3ObjectStore } from '../../../lambdas/shared/adapters/s3-object-store.js';
import { putReferenceData } from '../../support/warehouse-fixtures.js';
import { describeOnEmulator } from '../support/emulators.js';
import { awsEnvironmentFor, type Moto, startMoto } from '../support/moto.js';
import { COMMANDS } from '../../../bin/cli/commands.js';

/** AWS's published on-failure records (test/fixtures/aws/README.md) under Lambda's key layout. */
const fixture = (name: string): Promise<Buffer> => readFile(new URL(`../../fixtures/aws/${name}`, import.meta.url));
const KEY_PREFIX = 'aws/lambda/f89f8514-cdd9-4602-9e1f-01a5b77d449b/0/2019/11/14/2019-11-14T00.38.06-';

describeOnEmulator('moto', "streamflow replay --bucket --onfailure-bucket against moto's S3", () => {
  let moto: Moto;
  let printed: string[];

  beforeAll(async () => {
    moto = await startMoto();
  });

  afterAll(async () => {
    await moto?.stop();
  });

  beforeEach(() => {
    printed = [];
    // The command builds `new S3Client({})`, as on a laptop with an AWS profile: only the endpoint differs.
    for (const [name, value] of Object.entries(awsEnvironmentFor(moto))) vi.stubEnv(name, value);
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("re-delivers AWS's on-failure record from the on-failure bucket into the data bucket and lists the offsets of one without payload, against moto's S3", async () => {
    // Prepare
    const [data, onFailure] = [await moto.createBucket('replay-data'), await moto.createBucket('replay-onfailure')];
    const dataStore = new S3ObjectStore(moto.s3(), data);
    const onFailureStore = new S3ObjectStore(moto.s3(), onFailure);
    await putReferenceData(dataStore);
    await onFailureStore.put(`${KEY_PREFIX}0b7a6c1e-1111-4111-8111-111111111111`, await fixture('kafka-onfailure-s3-retry-attempts-exhausted.json'), 'application/json');
    await onFailureStore.put(`${KEY_PREFIX}0b7a6c1e-2222-4222-8222-222222222222`, await fixture('kafka-onfailure-s3-maximum-payload-size-exceeded.json'), 'application/json');

    // Act
    const first = await COMMANDS.replay!.run(['--bucket', data, '--onfailure-bucket', onFailure, '--from', 'onfailure']);
    const landingAfterFirst = await dataStore.list('landing/');
    const second = await COMMANDS.replay!.run(['--bucket', data, '--onfailure-bucket', onFailure, '--from', 'onfailure']);

    // Assess: exit 1 while offsets remain to re-read; the second replay overwrites the same object
    expect([first, second]).toEqual([1, 1]);
    expect(landingAfterFirst.map((object) => object.key)).toEqual(['landing/mytopic/dt=2018-12-17/mytopic+0+15-15.ndjson.gz']);
    expect(await dataStore.list('landing/')).toEqual(landingAfterFirst);
    expect(await onFailureStore.list('landing/')).toEqual([]);
    const output = printed.join('\n');
    expect(output).toContain(`StreamFlow replay  (s3://${data})`);
    expect(output).toMatch(/RE-READ\s+Topic partition 0 offsets 49601189658422359378836298521827638475320189012309704722–49601189658422359378836298522902373528957594348623495186/);
    expect(output).toMatch(/RE-READ\s+Topic partition 1 offsets/);
  });
});
