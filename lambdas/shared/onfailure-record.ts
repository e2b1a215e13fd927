/**
 * The record Lambda writes to an S3 on-failure destination when a Kafka (Amazon MSK or
 * self-managed) event source mapping discards a batch, and where it writes it. One format for the
 * local twin and AWS: the ESM simulator writes it, `streamflow replay` and the ledger read it.
 *
 * Shape: "S3 destination example invocation record" on
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html (`requestContext`,
 * `responseContext` — null for MaximumPayloadSizeExceeded —, `version`, `timestamp`,
 * `KafkaBatchInfo` with `recordsInfo` keyed `<topic>-<partition>`, and `payload`, the invocation
 * event as an escaped JSON string, only in S3). Key layout: AWS documents
 * `aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<Random UUID>` for S3
 * destinations of stream sources (kinesis-on-failure-destination.html); the Kafka page does not
 * restate it, so the Kafka partition stands where the shard does, and the reader never relies on
 * more of a key than the `aws/lambda/` prefix: it reads the coordinates from the record itself.
 */
import type { MSKEvent } from 'aws-lambda';

export const ONFAILURE_PREFIX = 'aws/lambda/';

export type OnFailureCondition = 'RetryAttemptsExhausted' | 'MaximumPayloadSizeExceeded';

export interface KafkaRecordsInfo {
  /** Offsets as decimal strings, as AWS writes them (they may exceed a JavaScript number). */
  readonly firstRecordOffset: string;
  readonly lastRecordOffset: string;
  readonly firstRecordTimestamp: string;
  readonly lastRecordTimestamp: string;
}

export interface OnFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: OnFailureCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: { readonly statusCode: number; readonly executedVersion: string; readonly functionError: string } | null;
  readonly version: string;
  readonly timestamp: string;
  readonly KafkaBatchInfo: {
    readonly batchSize: number;
    readonly eventSourceArn: string;
    readonly bootstrapServers: string;
    readonly payloadSize: number;
    readonly recordsInfo: Readonly<Record<string, KafkaRecordsInfo>>;
  };
  /** The invocation event as JSON text; absent when the batch was too large to invoke with. */
  readonly payload?: string;
}

/** One topic-partition's offsets a discarded batch held, first to last, both included. */
export interface OffsetRange {
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
}

/** What a replay needs from an on-failure object. */
export interface DiscardedBatch {
  readonly key: string;
  readonly condition: OnFailureCondition;
  readonly ranges: readonly OffsetRange[];
  /** The event to re-deliver; `undefined` when the record carries no payload (re-read from Kafka). */
  readonly event: MSKEvent | undefined;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** `aws/lambda/<esm-uuid>/<partition>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>`, in UTC, no extension. */
export const onFailureKeyOf = (esmUuid: string, partition: number, at: Date, uuid: string): string => {
  const day = `${at.getUTCFullYear()}/${two(at.getUTCMonth() + 1)}/${two(at.getUTCDate())}`;
  const time = `${at.getUTCFullYear()}-${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())}T${two(at.getUTCHours())}.${two(at.getUTCMinutes())}.${two(at.getUTCSeconds())}`;
  return `${ONFAILURE_PREFIX}${esmUuid}/${partition}/${day}/${time}-${uuid}`;
};

/** `<topic>-<partition>` as Lambda keys records; topics may hold `-`, partitions never do. */
export const splitTopicPartition = (name: string): { topic: string; partition: number } | undefined => {
  const match = /^(.+)-(\d+)$/.exec(name);
  return match ? { topic: match[1]!, partition: Number(match[2]) } : undefined;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const DECIMAL = /^\d+$/;

const rangesOf = (key: string, recordsInfo: unknown): OffsetRange[] => {
  if (!isObject(recordsInfo) || Object.keys(recordsInfo).length === 0) throw new Error(`${key}: KafkaBatchInfo.recordsInfo names no topic-partition`);
  return Object.entries(recordsInfo).map(([name, info]) => {
    const coordinates = splitTopicPartition(name);
    const first = isObject(info) ? String(info.firstRecordOffset) : '';
    const last = isObject(info) ? String(info.lastRecordOffset) : '';
    if (!coordinates || !DECIMAL.test(first) || !DECIMAL.test(last)) {
      throw new Error(`${key}: recordsInfo["${name}"] is not <topic>-<partition> with decimal firstRecordOffset and lastRecordOffset`);
    }
    return { ...coordinates, firstOffset: BigInt(first), lastOffset: BigInt(last) };
  });
};

const eventOf = (key: string, payload: string): MSKEvent => {
  let event: unknown;
  try {
    event = JSON.parse(payload);
  } catch (error) {
    throw new Error(`${key}: payload is not the escaped JSON of an event (${(error as Error).message.slice(0, 100)})`, { cause: error });
  }
  if (!isObject(event) || (event.eventSource !== 'aws:kafka' && event.eventSource !== 'SelfManagedKafka') || !isObject(event.records)) {
    throw new Error(`${key}: payload is not a Kafka event (eventSource "aws:kafka" or "SelfManagedKafka", records {...})`);
  }
  return event as unknown as MSKEvent;
};

/** Reads an on-failure object; throws, naming the key, when it is not Lambda's Kafka record. */
export const readOnFailureRecord = (key: string, body: Uint8Array): DiscardedBatch => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (error) {
    throw new Error(`${key} is not JSON: ${(error as Error).message.slice(0, 200)}`, { cause: error });
  }
  if (!isObject(parsed) || !isObject(parsed.requestContext) || !isObject(parsed.KafkaBatchInfo)) {
    throw new Error(`${key} is not a Lambda on-failure record for Kafka (requestContext, KafkaBatchInfo)`);
  }
  const condition = parsed.requestContext.condition;
  if (condition !== 'RetryAttemptsExhausted' && condition !== 'MaximumPayloadSizeExceeded') {
    throw new Error(`${key}: requestContext.condition is "${String(condition)}", not RetryAttemptsExhausted or MaximumPayloadSizeExceeded`);
  }
  const ranges = rangesOf(key, parsed.KafkaBatchInfo.recordsInfo);
  const event = typeof parsed.payload === 'string' ? eventOf(key, parsed.payload) : undefined;
  return { key, condition, ranges, event };
};
