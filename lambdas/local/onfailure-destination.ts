/**
 * The S3 on-failure destination of a Kafka event source mapping, as Lambda fills it: each
 * discarded batch becomes one object in AWS's record format (see onfailure-record.ts). The local
 * twin's ESM simulator and a poller on a real broker both hand it their {@link FailedBatch}.
 */
import { createHash } from 'node:crypto';
import type { ObjectStore } from '../shared/ports/object-store.js';
import { onFailureKeyOf, type OnFailureRecord } from '../shared/onfailure-record.js';
import type { FailedBatch } from './esm-simulator.js';
import { LOCAL_CLUSTER_ARN } from './msk-event.js';

/** The local twin's event source mapping: a fixed UUID, as a deployed mapping has one. */
export const LOCAL_ESM_UUID = '5f0c1a3e-0000-4000-8000-000000000001';

export interface OnFailureDestinationOptions {
  readonly store: ObjectStore;
  readonly esmUuid?: string;
  readonly functionArn?: string;
  readonly eventSourceArn?: string;
  readonly bootstrapServers?: string;
  /** When the batch was discarded (the record's `timestamp` and the key's time). */
  readonly clock?: () => number;
}

/** Broker time as ISO-8601; Kafka's "no timestamp" (-1) and other non-times stay visible as such. */
const isoOf = (ms: number): string => (Number.isFinite(ms) && ms >= 0 && ms <= 8.64e15 ? new Date(ms).toISOString() : String(ms));

/**
 * A UUID from the batch's coordinates (Lambda uses a random one): the same discarded batch gets
 * the same key on every run of the frozen-clock backfill, so two runs leave identical folders.
 */
const uuidOf = (failure: FailedBatch): string => {
  const hex = createHash('sha256').update(`${failure.topic}\n${failure.partition}\n${failure.firstOffset}\n${failure.lastOffset}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export const onFailureRecordOf = (failure: FailedBatch, options: OnFailureDestinationOptions, at: Date): OnFailureRecord => {
  const tooLarge = failure.condition === 'MaximumPayloadSizeExceeded';
  return {
    requestContext: {
      requestId: uuidOf(failure),
      functionArn: options.functionArn ?? 'arn:aws:lambda:local:000000000000:function:streamflow-consumer',
      condition: failure.condition,
      approximateInvokeCount: tooLarge ? 0 : failure.attempts,
    },
    responseContext: tooLarge ? null : { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: at.toISOString(),
    KafkaBatchInfo: {
      batchSize: failure.batchSize,
      eventSourceArn: options.eventSourceArn ?? LOCAL_CLUSTER_ARN,
      bootstrapServers: options.bootstrapServers ?? 'local-topic-log:9098',
      payloadSize: failure.payloadBytes,
      recordsInfo: {
        [`${failure.topic}-${failure.partition}`]: {
          firstRecordOffset: String(failure.firstOffset),
          lastRecordOffset: String(failure.lastOffset),
          firstRecordTimestamp: isoOf(failure.firstTimestamp),
          lastRecordTimestamp: isoOf(failure.lastTimestamp),
        },
      },
    },
    ...(failure.event && !tooLarge ? { payload: JSON.stringify(failure.event) } : {}),
  };
};

/** Writes discarded batches where Lambda would, returning each object's key. */
export class OnFailureDestination {
  constructor(private readonly options: OnFailureDestinationOptions) {}

  async send(failure: FailedBatch): Promise<string> {
    const at = new Date((this.options.clock ?? Date.now)());
    const key = onFailureKeyOf(this.options.esmUuid ?? LOCAL_ESM_UUID, failure.partition, at, uuidOf(failure));
    const record = onFailureRecordOf(failure, this.options, at);
    await this.options.store.put(key, Buffer.from(JSON.stringify(record)), 'application/json');
    return key;
  }
}
