import '../support/quiet-powertools.js';
import type { ScheduledEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loaderRequestOf, type LoaderEvent, type ObjectCreatedEvent } from '../../lambdas/loader/loader-request.js';
import { makeLoaderHandler } from '../../lambdas/loader/make-handler.js';
import { logger, metrics } from '../../lambdas/shared/powertools.js';
import { awsPayload } from '../support/aws-payloads.js';
import { lambdaContext } from '../support/lambda-context.js';
import { openWarehouseFixture, writeStandardScenario, type WarehouseFixture } from '../support/warehouse-fixtures.js';

let fixture: WarehouseFixture;

beforeEach(async () => {
  fixture = await openWarehouseFixture('loader-aws-payloads');
});

afterEach(async () => {
  await fixture.close();
});

const invoke = (event: LoaderEvent) => makeLoaderHandler({ store: fixture.store, warehouse: fixture.warehouse, logger, metrics })(event, lambdaContext('streamflow-loader'));

/** Files of the standard scenario: 2 reference files, 3 gold files, 1 quarantine file. */
const SCENARIO_FILES = 6;

describe.each([
  ['the EventBridge scheduled rule event (aws-lambda-rust-runtime example-eventbridge-schedule.json)', 'scheduledRuleEvent'],
  ["EventBridge Scheduler's input {} (eventbridge-scheduler-input.json)", 'schedulerInput'],
] as const)('loader on %s', (_label, name) => {
  it('reads it as a tick: load everything pending', () => {
    expect(loaderRequestOf(awsPayload<ScheduledEvent>(name))).toEqual({ kind: 'pending' });
  });

  it('loads every pending file once, and skips them all on the next tick', async () => {
    // Prepare
    await writeStandardScenario(fixture.store);

    // Act
    const first = await invoke(awsPayload(name));
    const second = await invoke(awsPayload(name));

    // Assess
    expect(first).toMatchObject({ request: { kind: 'pending' }, loaded: SCENARIO_FILES, skipped: 0, failed: 0 });
    expect(second).toMatchObject({ loaded: 0, skipped: SCENARIO_FILES, failed: 0 });
  });
});

describe('loader on the S3 "Object Created" event from EventBridge (Powertools parser s3/eventbridge-object-created.json)', () => {
  const published = (): ObjectCreatedEvent => awsPayload<ObjectCreatedEvent>('s3ObjectCreatedEvent');

  it("reads it as a request for the object it names, with S3's ETag", () => {
    expect(loaderRequestOf(published())).toEqual({ kind: 'object', key: 'IMG_m7fzo3.jpg', etag: '4e68adba0abe2dc8653dc3354e14c01d' });
  });

  it('loads nothing and fails nothing when the named object is not in the bucket', async () => {
    // Prepare
    await writeStandardScenario(fixture.store);

    // Act
    const summary = await invoke(published());

    // Assess
    expect(summary).toMatchObject({ loaded: 0, skipped: 0, failed: 0, files: [], ignored: [] });
  });

  it('ignores the named object when it is no file the loader loads (a JPEG at the bucket root)', async () => {
    // Prepare
    await fixture.store.put('IMG_m7fzo3.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg');

    // Act
    const summary = await invoke(published());

    // Assess
    expect(summary).toMatchObject({ loaded: 0, failed: 0, ignored: ['IMG_m7fzo3.jpg'] });
  });

  it('loads exactly the gold file the event names when the same event names one', async () => {
    // Prepare: AWS's event, its object key pointed at a gold file the consumer wrote.
    await writeStandardScenario(fixture.store);
    const [gold] = await fixture.store.list('gold/transactions/');
    const event = published();
    const naming: ObjectCreatedEvent = { ...event, detail: { ...event.detail, object: { ...event.detail.object, key: gold!.key } } };

    // Act
    const summary = await invoke(naming);

    // Assess
    expect(summary.files).toEqual([expect.objectContaining({ status: 'loaded', key: gold!.key, table: 'bronze.raw_transactions' })]);
    const [row] = await fixture.warehouse.query<{ rows: number }>('select count(*) as rows from bronze.raw_transactions where _source_file = ?', [gold!.key]);
    expect(Number(row!.rows)).toBeGreaterThan(0);
  });
});
