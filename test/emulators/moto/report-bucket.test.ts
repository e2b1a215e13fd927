/**
 * `streamflow report --bucket` (the deployed pipeline's ledger) against moto's S3, with a
 * plaintext Apache Kafka standing for MSK (the IAM connection is the one `replay --cluster-arn`
 * uses, bin/cli/kafka-connection.ts; MSK itself is not reachable here). Records are produced to
 * Kafka and land in the moto bucket through the consumer Lambda's handler, delivered by the
 * event source mapping's poller under a consumer group that commits as Lambda's does; the report
 * then reads the objects through the S3 adapter and the offsets from the broker, as it would from
 * a deployed stage. Without Snowflake settings the warehouse half is reported as not checked;
 * with them (pointed at fakesnow, `sql deploy`'s DDL applied) it is read through the Snowflake adapter.
 */
import '../../support/quiet-powertools.js';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { COMMANDS } from '../../../bin/cli/commands.js';
import { consumeFromBrokers, produceToBrokers } from '../../../lambdas/local/broker-ingest.js';
import { DEFAULT_ESM_SETTINGS } from '../../../lambdas/local/esm-simulator.js';
import { S3ObjectStore } from '../../../lambdas/shared/adapters/s3-object-store.js';
import { unionOf, type Range } from '../../../lambdas/shared/offset-ranges.js';
import { DEFAULT_DEPLOY_VARIABLES } from '../../../lambdas/warehouse/deploy-variables.js';
import type { LedgerReport } from '../../../lambdas/warehouse/ledger-report.js';
import { snowflakeDeployPlan } from '../../../lambdas/warehouse/snowflake-deploy.js';
import { parseCsvTable } from '../../support/csv-parser.js';
import { gunzipText, tempFolder } from '../../support/files.js';
import { streamOf } from '../../support/local-twin.js';
import { putReferenceData } from '../../support/warehouse-fixtures.js';
import { describeOnEmulator } from '../support/emulators.js';
import { FAKESNOW_SESSION_NOPS, applyOnFakesnow } from '../support/fakesnow-plan.js';
import { fakesnowWarehouse, startFakesnow } from '../support/fakesnow.js';
import { startKafka, type RunningKafka } from '../support/kafka.js';
import { awsEnvironmentFor, type Moto, startMoto } from '../support/moto.js';

const EVENTS = 600;
const GROUP = 'report-bucket-consumer';
const SNOWFLAKE_SETTINGS = ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USER', 'SNOWFLAKE_ROLE', 'SNOWFLAKE_PRIVATE_KEY_PATH', 'SNOWFLAKE_SECRET_ARN'];

describeOnEmulator('kafka', 'streamflow report --bucket with a plaintext Apache Kafka standing for MSK', () => {
  describeOnEmulator('moto', "streamflow report --bucket against moto's S3", () => {
    let moto: Moto;
    let kafka: RunningKafka;
    let data: string;
    let onFailure: string;
    let store: S3ObjectStore;
    let printed: string[];

    beforeAll(async () => {
      [moto, kafka] = await Promise.all([startMoto(), startKafka()]);
      [data, onFailure] = [await moto.createBucket('report-data'), await moto.createBucket('report-onfailure')];
      store = new S3ObjectStore(moto.s3(), data);
      await putReferenceData(store);
      await produceToBrokers({ brokers: [kafka.bootstrap], source: streamOf({ events: EVENTS, seed: 5, dirtyRate: 0.1, days: 2 }), partitions: 2 });
      const consumed = await consumeFromBrokers({ store, brokers: [kafka.bootstrap], esm: { ...DEFAULT_ESM_SETTINGS, batchSize: 40, batchingWindowMs: 50 }, groupId: GROUP });
      expect(consumed.failedBatches).toEqual([]);
    }, 240_000);

    afterAll(async () => {
      await kafka?.stop();
      await moto?.stop();
    });

    beforeEach(() => {
      printed = [];
      // The command builds `new S3Client({})`, as on a laptop with an AWS profile: only the endpoint differs.
      for (const [name, value] of Object.entries(awsEnvironmentFor(moto))) vi.stubEnv(name, value);
      for (const name of SNOWFLAKE_SETTINGS) vi.stubEnv(name, '');
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
    });

    afterEach(() => {
      vi.unstubAllEnvs();
      vi.restoreAllMocks();
    });

    const report = async (...extra: string[]): Promise<{ code: number; report: LedgerReport; ms: number }> => {
      printed = [];
      const started = performance.now();
      const code = await COMMANDS.report!.run(['--bucket', data, '--onfailure-bucket', onFailure, '--brokers', kafka.bootstrap, '--group', GROUP, '--json', ...extra]);
      return { code, report: JSON.parse(printed.join('\n')) as LedgerReport, ms: performance.now() - started };
    };

    it("balances every produced offset through moto's S3 and says the warehouse was not checked, never 'Nothing lost'", async () => {
      // Act
      const { code, report: ledger, ms } = await report();
      const objects = (await store.list('landing/')).length + (await store.list('gold/')).length + (await store.list('quarantine/')).length;
      printed = [];
      await COMMANDS.report!.run(['--bucket', data, '--brokers', kafka.bootstrap, '--group', GROUP]);
      const text = printed.join('\n');

      // Assess
      console.info(`report --bucket over ${objects} landing, gold and quarantine objects in moto's S3, offsets from Kafka: ${(ms / 1000).toFixed(2)} s`);
      expect(code).toBe(1);
      expect(ledger).toMatchObject({ source: `kafka ${kafka.bootstrap}`, group: GROUP, lost: 0, pending: 0, unconsumed: 0, nothingLost: false, partitions: [] });
      expect(ledger.warehouseNotChecked).toMatch(/^no Snowflake connection settings \(SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_ROLE, SNOWFLAKE_PRIVATE_KEY_PATH \(or SNOWFLAKE_SECRET_ARN\)/);
      expect(ledger.verdict).toMatch(new RegExp(`^Files and offsets balance: ${EVENTS} records produced, every one in gold or quarantine \\(\\d+ gold \\+ \\d+ quarantined\\); warehouse not checked: no Snowflake connection settings`));
      expect(ledger.gold.files).toBeGreaterThan(0);
      expect(text).toContain('Bronze, Silver and Gold not checked: no Snowflake connection settings');
      expect(text).not.toMatch(/Nothing lost/);
    });

    it('names exactly the offsets of a deleted landing object and of a deleted gold object as lost', async () => {
      // Prepare: one user_events landing object and one transactions gold object deleted, as with the console
      const landing = (await store.list('landing/user_events/'))[0]!.key;
      const [, partition, first, last] = /user_events\+(\d+)\+(\d+)-(\d+)\./.exec(landing)!;
      const gold = (await store.list('gold/transactions/'))[0]!.key;
      const goldRows = parseCsvTable(gunzipText((await store.get(gold))!)).rows;
      const goldPartition = Number(goldRows[0]!.kafka_partition);
      const goldOffsets: Range[] = unionOf(goldRows.map((row) => ({ first: Number(row.kafka_offset), last: Number(row.kafka_offset) })));
      const s3 = moto.s3();
      await s3.send(new DeleteObjectCommand({ Bucket: data, Key: landing }));
      await s3.send(new DeleteObjectCommand({ Bucket: data, Key: gold }));

      // Act
      const { code, report: ledger } = await report();

      // Assess: the landing batch is a gap below the group's committed offset; the gold rows landed without an outcome
      const lost = Number(last) - Number(first) + 1 + goldRows.length;
      expect(code).toBe(1);
      expect(ledger).toMatchObject({ lost, pending: 0, unconsumed: 0 });
      expect(ledger.partitions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ topic: 'user_events', partition: Number(partition), gaps: [{ first: Number(first), last: Number(last) }], unresolved: [], unconsumed: [] }),
          expect.objectContaining({ topic: 'transactions', partition: goldPartition, gaps: [], unresolved: goldOffsets, unconsumed: [] }),
        ]),
      );
      expect(ledger.partitions).toHaveLength(2);
      expect(ledger.verdict).toMatch(new RegExp(`^LOST ${lost} records of ${EVENTS} records produced: .*warehouse not checked: no Snowflake connection settings`));
    });

    it('reads the warehouse half from Snowflake when its settings are set (fakesnow, the deployed DDL, Bronze empty): gold files not in Bronze', async () => {
      // Prepare: `sql deploy`'s plan on fakesnow, and the settings `sql deploy` reads, with a key file
      const fakesnow = await startFakesnow({ nopRegexes: FAKESNOW_SESSION_NOPS });
      const keyFolder = await tempFolder('report-bucket-key');
      try {
        const deployer = fakesnowWarehouse(fakesnow, { queryTag: 'report-bucket-test' });
        const deploy = await applyOnFakesnow(deployer, await snowflakeDeployPlan({ variables: DEFAULT_DEPLOY_VARIABLES })).finally(() => deployer.close());
        expect(deploy.unexpected).toEqual([]);
        const keyFile = join(keyFolder.path, 'key.p8');
        await writeFile(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
        for (const [name, value] of Object.entries({ SNOWFLAKE_ACCOUNT: 'fakesnow', SNOWFLAKE_USER: 'streamflow_test', SNOWFLAKE_ROLE: 'STREAMFLOW_LOADER', SNOWFLAKE_PRIVATE_KEY_PATH: keyFile, SNOWFLAKE_ACCESS_URL: fakesnow.url })) {
          vi.stubEnv(name, value);
        }

        // Act
        const { code, report: ledger } = await report();

        // Assess: the same reconciliation as the local report, read from Snowflake: nothing is in Bronze yet
        expect(code).toBe(1);
        expect(ledger.warehouseNotChecked).toBeUndefined();
        expect(ledger.gold.files).toBeGreaterThan(0);
        expect(ledger.gold).toMatchObject({ pending: ledger.gold.files, loaded: 0, rowsNotInBronze: ledger.gold.rows });
        expect(ledger.tables).toMatchObject({ 'bronze.raw_user_events': 0, 'bronze.raw_transactions': 0 });
        expect(ledger.verdict).toMatch(new RegExp(`${ledger.gold.rows} gold rows not in Bronze \\(${ledger.gold.files} files not loaded yet`));
        expect(ledger.verdict).not.toMatch(/warehouse not checked/);
      } finally {
        await keyFolder.remove();
        await fakesnow.stop();
      }
    }, 120_000);
  });
});
