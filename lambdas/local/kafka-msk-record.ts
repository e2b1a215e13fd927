/**
 * One Kafka record as Lambda's MSK event source mapping puts it in an event, from what the broker
 * returned (kafkajs' decoded record): key and value base64 of the exact bytes, headers as an array
 * of `{ name: [byte, …] }` objects with repeated names kept, and the broker's `timestampType`.
 *
 * A null key or value is left out of the record, not sent as `null`: the MSK event schema of
 * Powertools for AWS Lambda (aws-powertools/powertools-lambda-typescript, packages/kafka/src/schema.ts)
 * declares `key` optional, and its issues #4988 and #5016 show tombstones arriving with no `value`.
 * Event shape: https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html (example MSK event).
 */
import type { MSKRecord, MSKRecordHeader } from 'aws-lambda';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { KafkaHeader } from '../shared/contracts/kafka-headers.js';

/** kafkajs' record batch attributes, which it keeps on each record but leaves out of its types. */
interface BatchContext {
  readonly batchContext?: { readonly timestampType?: number };
}

/** kafkajs' TimestampTypes.LOG_APPEND_TIME: the batch's attribute bit 3, set by the broker. */
const LOG_APPEND_TIME = 1;

/** A byte as Java's signed `byte` (-128…127), the way Lambda writes header values into the event. */
const javaByte = (byte: number): number => (byte << 24) >> 24;

/**
 * Headers as Lambda puts them in an MSK event: one `{ name: [byte, …] }` object per header, in
 * order, bytes as Java's signed values (AWS's sample event has `[118, -36, 0, 127, -128]`;
 * aws/aws-lambda-rust-runtime#689 typed them `i8` for that reason), a null value as `null`.
 */
export const mskHeadersOf = (headers: readonly KafkaHeader[]): MSKRecordHeader[] =>
  headers.map(({ name, value }) => ({ [name]: value === null ? (null as unknown as number[]) : Array.from(value, javaByte) }));

/**
 * kafkajs folds repeated header names into an array under the first occurrence, so repeats and
 * their order within one name survive, while headers of different names interleaved (a, b, a)
 * come back grouped by name (a, a, b): what this returns is kafkajs' order, not always the log's.
 * A header without a value reaches kafkajs' decoded record as `null`.
 */
const headersOf = (headers: IHeaders | undefined): KafkaHeader[] =>
  Object.entries(headers ?? {}).flatMap(([name, value]) =>
    value === undefined
      ? []
      : (Array.isArray(value) ? value : [value]).map((one: Buffer | string | null) => ({ name, value: one === null ? null : Buffer.from(one) })),
  );

export const mskRecordOf = (topic: string, partition: number, message: KafkaMessage): MSKRecord => {
  const record = {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    timestampType: (message as KafkaMessage & BatchContext).batchContext?.timestampType === LOG_APPEND_TIME ? 'LOG_APPEND_TIME' : 'CREATE_TIME',
    ...(message.key === null ? {} : { key: message.key.toString('base64') }),
    ...(message.value === null ? {} : { value: message.value.toString('base64') }),
    headers: mskHeadersOf(headersOf(message.headers)),
  };
  // The aws-lambda types mark key and value as always present, which real events contradict.
  return record as MSKRecord;
};

/** Bytes the record adds to the invocation payload (its JSON and the comma after it), for the 6 MB cap. */
export const recordPayloadBytes = (record: MSKRecord): number => Buffer.byteLength(JSON.stringify(record)) + 1;
