/**
 * What the loader is asked to do, read from the inputs it accepts: a schedule tick (load everything
 * pending), either an EventBridge rule's "Scheduled Event" or EventBridge Scheduler's input `{}`;
 * a batch of the SQS queue that gathers S3 "Object Created" events (load those objects); or an
 * explicit `{"reload": "<prefix>", "force": true}`.
 */
import type { EventBridgeEvent, ScheduledEvent, SQSEvent } from 'aws-lambda';
import { z } from 'zod';

/** An object named by one message of the loader's queue. */
export interface QueuedObject {
  /** The SQS message that named it: what a partial batch response reports as failed. */
  readonly messageId: string;
  readonly key: string;
}

export type LoaderRequest =
  | { readonly kind: 'pending' }
  | {
      readonly kind: 'objects';
      readonly objects: readonly QueuedObject[];
      /** Messages whose body is not an S3 "Object Created" event: reported as failed, so they end in the dead-letter queue. */
      readonly unreadable: readonly string[];
    }
  | { readonly kind: 'reload'; readonly prefix: string; readonly force: boolean };

/**
 * The S3 "Object Created" event as EventBridge delivers it (only what the loader reads): the body
 * of each message the loader's queue receives, since a rule target given no Input, InputPath or
 * InputTransformer gets the entire event (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html).
 * S3 sends its test message (`s3:TestEvent`, https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html)
 * to the SNS and SQS destinations of the bucket's own notification configuration when it is set
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html),
 * not through EventBridge, so none reaches this queue.
 */
export type ObjectCreatedEvent = EventBridgeEvent<'Object Created', { bucket: { name: string }; object: { key: string } }>;

/** An operator's request to load (or, with `force`, reload) every object under a prefix. */
export interface ReloadRequest {
  readonly reload: string;
  readonly force?: boolean;
}

/** What an EventBridge Scheduler schedule configured for the loader delivers: an empty object. */
export type SchedulerTick = Record<string, never>;

export type LoaderEvent = ScheduledEvent | SchedulerTick | SQSEvent | ReloadRequest;

const scheduledEventSchema = z.object({ 'detail-type': z.literal('Scheduled Event') });

/**
 * EventBridge Scheduler has no envelope: a Lambda target receives the schedule's `Input` as it is
 * (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_Target.html), so a schedule that
 * ticks the loader is configured with `{}`. Strict: any other object is not a tick, so a mistyped
 * reload (`{"relaod": "gold/"}`) fails instead of quietly loading what is pending.
 */
const schedulerTickSchema = z.object({}).strict();

const objectCreatedSchema = z.object({
  'detail-type': z.literal('Object Created'),
  detail: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({ key: z.string().min(1) }),
  }),
});

/** Only what the loader reads of an SQS event (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html, example event). */
const sqsEventSchema = z.object({
  Records: z.array(z.object({ eventSource: z.literal('aws:sqs'), messageId: z.string().min(1), body: z.string() })).min(1),
});

/** The key of the object a message's body names, or undefined when the body is not an "Object Created" event. */
const createdKeyOf = (body: string): string | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const created = objectCreatedSchema.safeParse(parsed);
  return created.success ? created.data.detail.object.key : undefined;
};

const reloadSchema = z.object({
  reload: z.string().min(1, 'reload needs a key prefix such as "gold/" or "reference/"'),
  force: z.boolean().optional(),
});

/** An event the loader does not know; the message says what it accepts. */
export class UnknownLoaderEventError extends Error {}

export const loaderRequestOf = (event: unknown): LoaderRequest => {
  if (scheduledEventSchema.safeParse(event).success || schedulerTickSchema.safeParse(event).success) return { kind: 'pending' };
  const queued = sqsEventSchema.safeParse(event);
  if (queued.success) {
    const objects: QueuedObject[] = [];
    const unreadable: string[] = [];
    for (const { messageId, body } of queued.data.Records) {
      const key = createdKeyOf(body);
      if (key === undefined) unreadable.push(messageId);
      else objects.push({ messageId, key });
    }
    return { kind: 'objects', objects, unreadable };
  }
  const reload = reloadSchema.safeParse(event);
  if (reload.success) return { kind: 'reload', prefix: reload.data.reload, force: reload.data.force ?? false };
  throw new UnknownLoaderEventError(
    'The loader accepts an EventBridge "Scheduled Event" or EventBridge Scheduler\'s input {}, an SQS batch of S3 "Object Created" events from EventBridge, ' +
      `or {"reload": "<prefix>", "force": true}; got ${JSON.stringify(event)?.slice(0, 200)}`,
  );
};

/** The event a schedule sends, for invoking the loader the way EventBridge does (the local twin). */
export const scheduledTick = (time = new Date()): ScheduledEvent => ({
  version: '0',
  id: `local-${time.getTime()}`,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: time.toISOString(),
  region: 'local',
  resources: ['arn:aws:events:local:000000000000:rule/streamflow-loader-schedule'],
  detail: {},
});
