import { describe, expect, it } from 'vitest';
import { loaderRequestOf, scheduledTick, UnknownLoaderEventError } from '../../lambdas/loader/loader-request.js';
import { sqsEventCarrying } from '../support/aws-payloads.js';

/** An S3 "Object Created" event as EventBridge delivers it (the body of a message of the loader's queue). */
const objectCreated = (key: string) => ({
  version: '0',
  id: '17793124-05d4-b198-2fde-7ededc63b103',
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: '123456789012',
  time: '2025-03-01T12:00:05Z',
  region: 'us-east-1',
  resources: ['arn:aws:s3:::streamflow-data'],
  detail: {
    version: '0',
    bucket: { name: 'streamflow-data' },
    object: { key, size: 5_123, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: '00617F08299329D189' },
    'request-id': 'N4N7GDK58NMKJ12R',
    requester: '123456789012',
    reason: 'PutObject',
  },
});

describe('loaderRequestOf', () => {
  it('reads a schedule tick as "load everything pending"', () => {
    expect(loaderRequestOf(scheduledTick(new Date('2025-03-01T12:00:00Z')))).toEqual({ kind: 'pending' });
  });

  it('reads a queued batch of S3 Object Created events as "load those objects", keeping each message\'s id', () => {
    // Prepare: two events, a body that is no JSON and one that is JSON but another event
    const event = sqsEventCarrying([
      objectCreated('gold/transactions/dt=2025-03-01/transactions+0+0-99.csv.gz'),
      objectCreated('reference/products.json'),
      'not json',
      { ...objectCreated('gold/x.csv.gz'), 'detail-type': 'Object Deleted' },
    ]);
    const [first, second, notJson, deleted] = event.Records.map((record) => record.messageId);

    // Act
    const request = loaderRequestOf(event);

    // Assess
    expect(request).toEqual({
      kind: 'objects',
      objects: [
        { messageId: first, key: 'gold/transactions/dt=2025-03-01/transactions+0+0-99.csv.gz' },
        { messageId: second, key: 'reference/products.json' },
      ],
      unreadable: [notJson, deleted],
    });
  });

  it('does not read a bare S3 Object Created event: the deployed path delivers them through the queue', () => {
    expect(() => loaderRequestOf(objectCreated('gold/transactions/dt=2025-03-01/transactions+0+0-99.csv.gz'))).toThrow(UnknownLoaderEventError);
  });

  it('reads an explicit reload, forced or not', () => {
    expect(loaderRequestOf({ reload: 'gold/user_events/', force: true })).toEqual({ kind: 'reload', prefix: 'gold/user_events/', force: true });
    expect(loaderRequestOf({ reload: 'reference/' })).toEqual({ kind: 'reload', prefix: 'reference/', force: false });
  });

  it('reads EventBridge Scheduler\'s input {} as a schedule tick', () => {
    expect(loaderRequestOf({})).toEqual({ kind: 'pending' });
  });

  it.each([[{ relaod: 'gold/' }], [{ reload: '' }], [{ 'detail-type': 'Object Deleted', detail: {} }], [{ Records: [] }], [null], ['tick']])(
    'rejects %j, saying what it accepts',
    (event) => {
      expect(() => loaderRequestOf(event)).toThrow(UnknownLoaderEventError);
      expect(() => loaderRequestOf(event)).toThrow(/Scheduled Event.*SQS batch of S3 "Object Created".*reload/);
    },
  );
});
