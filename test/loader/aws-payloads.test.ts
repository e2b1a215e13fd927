import '../support/quiet-powertools.js';
import type { ScheduledEvent, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loaderRequestOf, type LoaderEvent, type ObjectCreatedEvent } from '../../lambdas/loader/loader-request.js';
import { makeLoaderHandler } from '../../lambdas/loader/make-handler.js';
import { logger, metrics } from '../../lambdas/shared/powertools.js';
import { awsPayload, sqsEventCarrying } from '../support/aws-payloads.js';
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

describe('loader on an SQS batch (Powertools parser sqs/base.json) of S3 "Object Created" events from EventBridge (s3/eventbridge-object-created.json)', () => {
  const published = (): ObjectCreatedEvent => awsPayload<ObjectCreatedEvent>('s3ObjectCreatedEvent');
  const naming = (key: string): ObjectCreatedEvent => {
    const event = published();
    return { ...event, detail: { ...event.detail, object: { ...event.detail.object, key } } };
  };

  it('reports both messages of the published SQS event as failed: their bodies ("Test message.", {"message": "foo1"}) name no object', async () => {
    // Prepare
    const event = awsPayload<SQSEvent>('sqsEvent');

    // Act
    const response = await invoke(event);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '059f36b4-87a3-44ab-83d2-661975830a7d' }, { itemIdentifier: '2e1424d4-f796-459a-8184-9c92662be6da' }]);
    expect(response).toMatchObject({ loaded: 0, failed: 0 });
  });

  it('reads the published EventBridge event as a request for the object it names', () => {
    // Prepare
    const event = sqsEventCarrying([published()]);

    // Act
    const request = loaderRequestOf(event);

    // Assess
    expect(request).toEqual({ kind: 'objects', objects: [{ messageId: event.Records[0]!.messageId, key: 'IMG_m7fzo3.jpg' }], unreadable: [] });
  });

  it('loads nothing and fails no message when the named object is not in the bucket', async () => {
    // Prepare
    await writeStandardScenario(fixture.store);

    // Act
    const response = await invoke(sqsEventCarrying([published()]));

    // Assess
    expect(response).toMatchObject({ loaded: 0, skipped: 0, failed: 0, files: [], ignored: [], batchItemFailures: [] });
  });

  it('ignores the named object when it is no file the loader loads (a JPEG at the bucket root)', async () => {
    // Prepare
    await fixture.store.put('IMG_m7fzo3.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg');

    // Act
    const response = await invoke(sqsEventCarrying([published()]));

    // Assess
    expect(response).toMatchObject({ loaded: 0, failed: 0, ignored: ['IMG_m7fzo3.jpg'], batchItemFailures: [] });
  });

  it('loads every gold file the batch names in one pass, and reports only the message that named none', async () => {
    // Prepare: AWS's event, its object key pointed at each gold file the consumer wrote, plus AWS's "foo1" body
    await writeStandardScenario(fixture.store);
    const gold = await fixture.store.list('gold/');
    const [, foo1] = awsPayload<SQSEvent>('sqsEvent').Records;
    const event = sqsEventCarrying([...gold.map((object) => naming(object.key)), foo1!.body]);

    // Act
    const response = await invoke(event);

    // Assess
    expect(response.files.map((file) => [file.status, file.key])).toEqual(gold.map((object) => ['loaded', object.key]));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records.at(-1)!.messageId }]);
    const [row] = await fixture.warehouse.query<{ files: number }>("select count(*) as files from bronze.load_history where status = 'loaded'");
    expect(Number(row!.files)).toBe(gold.length);
  });
});
