/**
 * The path an S3 "Object Created" event takes to the loader in AWS, on moto: the bucket sends its
 * events to EventBridge, the stack's own rule (its event pattern taken from the synthesized
 * template) sends the matching ones to a queue, and the loader loads what the queued bodies name.
 * What this proves: moto's S3 emits an EventBridge event for each object our S3 adapter writes,
 * the rule's prefix pattern keeps only what the loader loads, the whole event arrives as the
 * message body, and the loader reads that body (moto's rendering of it) and loads every file once.
 * What it does not: Lambda's SQS event source mapping (batching window, MaximumConcurrency, partial
 * batch responses deleting or returning messages) is not run by moto; the test receives the
 * messages and builds the SQS event itself, as that mapping would.
 */
import '../../support/quiet-powertools.js';
import { PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import type { MSKEvent, SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { makeConsumerHandler } from '../../../lambdas/consumer/make-handler.js';
import { makeLoaderHandler } from '../../../lambdas/loader/make-handler.js';
import { S3ObjectStore } from '../../../lambdas/shared/adapters/s3-object-store.js';
import { LOAD_PREFIXES } from '../../../lambdas/shared/contracts/load-targets.js';
import { logger, metrics } from '../../../lambdas/shared/powertools.js';
import { cachedReferenceCatalog } from '../../../lambdas/shared/reference-catalog.js';
import { logicalIdOf, synthTemplates } from '../../cdk/synth-app.js';
import { validTransactionArb, validUserEventArb } from '../../support/arbitraries.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { mskEvent, type PlainRecord } from '../../support/msk-event.js';
import { openWarehouseFixture, putReferenceData, type WarehouseFixture } from '../../support/warehouse-fixtures.js';
import { describeOnEmulator } from '../support/emulators.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';

/** User events on two partitions, transactions on one, one record that breaks the contract: gold and quarantine files. */
const EVENT: MSKEvent = mskEvent([
  ...fc.sample(validUserEventArb, { numRuns: 6, seed: 401 }).map((record, index): PlainRecord => ({ topic: 'user_events', partition: index % 2, ...record })),
  ...fc.sample(validTransactionArb, { numRuns: 3, seed: 402 }).map((record): PlainRecord => ({ topic: 'transactions', partition: 0, ...record })),
  { topic: 'transactions', partition: 1, key: 'broken', value: '{"transaction_id": 42}' },
]);

/** The event pattern of the stack's LoaderObjectCreated rule, as synthesized. */
const synthesizedPattern = (): { detail: { bucket: { name: unknown[] } } } => {
  const pipeline = synthTemplates().templates.pipeline;
  const rules = pipeline.findResources('AWS::Events::Rule') as Record<string, { Properties: { EventPattern: { detail: { bucket: { name: unknown[] } } } } }>;
  return rules[logicalIdOf(pipeline, 'AWS::Events::Rule', 'LoaderObjectCreated')]!.Properties.EventPattern;
};

interface ReceivedMessage {
  readonly MessageId: string;
  readonly ReceiptHandle: string;
  readonly Body: string;
  readonly MD5OfBody: string;
}

describeOnEmulator('moto', "S3 Object Created events through the stack's EventBridge rule to the loader's queue, against moto's S3, EventBridge and SQS", () => {
  let moto: Moto;
  let fixture: WarehouseFixture;

  beforeAll(async () => {
    moto = await startMoto();
  });

  afterAll(async () => {
    await moto?.stop();
  });

  beforeEach(async () => {
    fixture = await openWarehouseFixture('moto-load-queue');
  });

  afterEach(async () => {
    await fixture.close();
  });

  const sqs = (target: string, body: object) => moto.jsonCall('sqs', `AmazonSQS.${target}`, body, '1.0');
  const events = (target: string, body: object) => moto.jsonCall('events', `AWSEvents.${target}`, body);

  /** A bucket sending its events to EventBridge (as SecureBucket configures it), the rule, and its queue. */
  const bucketRuleAndQueue = async (): Promise<{ store: S3ObjectStore; queueUrl: string; queueArn: string }> => {
    const bucket = await moto.createBucket('load-queue');
    await moto.s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: { EventBridgeConfiguration: {} } }));
    const { QueueUrl: queueUrl } = (await sqs('CreateQueue', { QueueName: `${bucket}-pending` })) as { QueueUrl: string };
    const { Attributes } = (await sqs('GetQueueAttributes', { QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })) as { Attributes: { QueueArn: string } };
    const pattern = synthesizedPattern();
    const rule = `${bucket}-loader-object-created`;
    await events('PutRule', { Name: rule, EventPattern: JSON.stringify({ ...pattern, detail: { ...pattern.detail, bucket: { name: [bucket] } } }) });
    await events('PutTargets', { Rule: rule, Targets: [{ Id: 'load-queue', Arn: Attributes.QueueArn }] });
    return { store: new S3ObjectStore(moto.s3(), bucket), queueUrl, queueArn: Attributes.QueueArn };
  };

  /** Everything waiting in the queue (moto delivers synchronously, so nothing is still on its way). */
  const receiveAll = async (queueUrl: string): Promise<ReceivedMessage[]> => {
    const received: ReceivedMessage[] = [];
    for (;;) {
      const { Messages = [] } = (await sqs('ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 })) as { Messages?: ReceivedMessage[] };
      if (Messages.length === 0) return received;
      received.push(...Messages);
    }
  };

  /** What Lambda's SQS event source mapping would invoke the loader with, from received messages. */
  const sqsEventOf = (messages: readonly ReceivedMessage[], queueArn: string): SQSEvent => ({
    Records: messages.map((message) => ({
      messageId: message.MessageId,
      receiptHandle: message.ReceiptHandle,
      body: message.Body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'events.amazonaws.com', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: MOTO_REGION,
    })),
  });

  it('queues one message per file the loader loads, none for landing/, and the loader loads each named file once', async () => {
    // Prepare: the reference upload and one consumer batch write reference/, landing/, gold/ and quarantine/
    const { store, queueUrl, queueArn } = await bucketRuleAndQueue();
    await putReferenceData(store);
    await makeConsumerHandler({ store, referenceCatalog: cachedReferenceCatalog(store, 60_000), logger, metrics })(EVENT, lambdaContext());
    const written = (await store.list('')).map((object) => object.key);
    const loadable = written.filter((key) => LOAD_PREFIXES.some((prefix) => key.startsWith(prefix))).sort();

    // Act
    const messages = await receiveAll(queueUrl);
    const response = await makeLoaderHandler({ store, warehouse: fixture.warehouse, logger, metrics })(sqsEventOf(messages, queueArn), lambdaContext('streamflow-loader'));

    // Assess: the whole EventBridge event is each body; landing/ was filtered out by the rule
    expect(written.some((key) => key.startsWith('landing/'))).toBe(true);
    expect(loadable.some((key) => key.startsWith('quarantine/'))).toBe(true);
    const bodies = messages.map((message) => JSON.parse(message.Body) as { source: string; 'detail-type': string; detail: { object: { key: string } } });
    expect(bodies.every((body) => body.source === 'aws.s3' && body['detail-type'] === 'Object Created')).toBe(true);
    expect(bodies.map((body) => body.detail.object.key).sort()).toEqual(loadable);
    expect(response.files.filter((file) => file.status === 'loaded').map((file) => file.key).sort()).toEqual(loadable);
    expect(response).toMatchObject({ failed: 0, batchItemFailures: [] });
  });
});
