/**
 * What the loader is asked to do, read from the inputs it accepts: a schedule tick (load everything
 * pending), either an EventBridge rule's "Scheduled Event" or EventBridge Scheduler's input `{}`;
 * an S3 "Object Created" event delivered by EventBridge (load that object); or an explicit
 * `{"reload": "<prefix>", "force": true}`.
 */
import type { EventBridgeEvent, ScheduledEvent } from 'aws-lambda';
import { z } from 'zod';

export type LoaderRequest =
  | { readonly kind: 'pending' }
  | { readonly kind: 'object'; readonly key: string; readonly etag?: string }
  | { readonly kind: 'reload'; readonly prefix: string; readonly force: boolean };

/** The S3 "Object Created" event as EventBridge delivers it (only what the loader reads). */
export type ObjectCreatedEvent = EventBridgeEvent<'Object Created', { bucket: { name: string }; object: { key: string; etag?: string } }>;

/** An operator's request to load (or, with `force`, reload) every object under a prefix. */
export interface ReloadRequest {
  readonly reload: string;
  readonly force?: boolean;
}

/** What an EventBridge Scheduler schedule configured for the loader delivers: an empty object. */
export type SchedulerTick = Record<string, never>;

export type LoaderEvent = ScheduledEvent | SchedulerTick | ObjectCreatedEvent | ReloadRequest;

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
    object: z.object({ key: z.string().min(1), etag: z.string().optional() }),
  }),
});

const reloadSchema = z.object({
  reload: z.string().min(1, 'reload needs a key prefix such as "gold/" or "reference/"'),
  force: z.boolean().optional(),
});

/** An event the loader does not know; the message says what it accepts. */
export class UnknownLoaderEventError extends Error {}

export const loaderRequestOf = (event: unknown): LoaderRequest => {
  if (scheduledEventSchema.safeParse(event).success || schedulerTickSchema.safeParse(event).success) return { kind: 'pending' };
  const created = objectCreatedSchema.safeParse(event);
  if (created.success) {
    const { key, etag } = created.data.detail.object;
    return { kind: 'object', key, ...(etag === undefined ? {} : { etag }) };
  }
  const reload = reloadSchema.safeParse(event);
  if (reload.success) return { kind: 'reload', prefix: reload.data.reload, force: reload.data.force ?? false };
  throw new UnknownLoaderEventError(
    'The loader accepts an EventBridge "Scheduled Event" or EventBridge Scheduler\'s input {}, an S3 "Object Created" event from EventBridge, ' +
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
