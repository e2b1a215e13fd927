import type { MSKEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMskEvent, fromLandingLine, toLandingLine, type KafkaRecord, type LandingLine } from '../../lambdas/consumer/kafka-record.js';
import { USER_EVENTS_TABLE } from '../../lambdas/shared/contracts/tables.js';
import { kafkaRecordArb } from '../support/arbitraries.js';
import { awsPayload } from '../support/aws-payloads.js';
import { BROKER_TIME, header, mskEvent, raw } from '../support/msk-event.js';

/** What a landing line goes through on its way to S3 and back. */
const throughNdjson = (line: LandingLine): LandingLine => JSON.parse(JSON.stringify(line)) as LandingLine;

describe('decodeMskEvent', () => {
  it('decodes base64 keys and values, header bytes and Kafka coordinates', () => {
    // Prepare
    const event = mskEvent([
      { topic: 'user_events', partition: 3, offset: 41, timestamp: BROKER_TIME + 5, key: 'USR-00042', value: { event_id: 'e-1' }, headers: [header('source', 'web'), header('trace-id', 'abc')] },
    ]);

    // Act
    const [batch] = decodeMskEvent(event);

    // Assess
    expect(batch).toBeDefined();
    expect(batch!.topic).toBe('user_events');
    expect(batch!.partition).toBe(3);
    const [record] = batch!.records;
    expect(record).toMatchObject({ topic: 'user_events', partition: 3, offset: 41, timestamp: BROKER_TIME + 5, key: 'USR-00042', headers: [header('source', 'web'), header('trace-id', 'abc')] });
    expect(record!.value!.toString('utf8')).toBe('{"event_id":"e-1"}');
  });

  it('splits an event into one batch per topic-partition, each in offset order', () => {
    // Prepare: offsets delivered out of order within partitions.
    const event = mskEvent([
      { topic: 'user_events', partition: 0, offset: 12, value: { n: 3 } },
      { topic: 'transactions', partition: 1, offset: 7, value: { n: 5 } },
      { topic: 'user_events', partition: 0, offset: 10, value: { n: 1 } },
      { topic: 'user_events', partition: 1, offset: 10, value: { n: 4 } },
      { topic: 'user_events', partition: 0, offset: 11, value: { n: 2 } },
    ]);

    // Act
    const batches = decodeMskEvent(event);

    // Assess
    const summary = batches
      .map((batch) => ({ group: `${batch.topic}-${batch.partition}`, offsets: batch.records.map((record) => record.offset) }))
      .sort((a, b) => a.group.localeCompare(b.group));
    expect(summary).toEqual([
      { group: 'transactions-1', offsets: [7] },
      { group: 'user_events-0', offsets: [10, 11, 12] },
      { group: 'user_events-1', offsets: [10] },
    ]);
  });

  it('decodes a record without key or value (a tombstone) to null key and null value', () => {
    // Prepare
    const event = mskEvent([{ topic: 'transactions', key: null, value: null }]);
    const encoded = Object.values(event.records)[0]![0]!;

    // Act
    const [batch] = decodeMskEvent(event);

    // Assess
    expect('key' in encoded || 'value' in encoded).toBe(false);
    expect(batch!.records[0]).toMatchObject({ key: null, value: null });
  });

  it('also treats an explicit null value as a tombstone', () => {
    // Prepare
    const event = mskEvent([{ topic: 'transactions', key: 'k', value: { any: 1 } }]);
    const encoded = Object.values(event.records)[0]![0]! as unknown as { value: string | null };
    encoded.value = null;

    // Act
    const [batch] = decodeMskEvent(event);

    // Assess
    expect(batch!.records[0]!.value).toBeNull();
  });

  it('keeps value bytes exactly, including bytes that are not UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        // Prepare
        const event = mskEvent([{ topic: 'user_events', value: bytes }]);

        // Act
        const [batch] = decodeMskEvent(event);

        // Assess
        expect(batch!.records[0]!.value!.equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('ignores empty topic-partition groups and yields nothing for an event without records', () => {
    // Prepare
    const event = { ...mskEvent([]), records: { 'user_events-0': [] } };

    // Act
    const batches = [decodeMskEvent(event), decodeMskEvent(mskEvent([]))];

    // Assess
    expect(batches).toEqual([[], []]);
  });
});

describe('landing lines', () => {
  it('round-trip every record through NDJSON to the same record', () => {
    fc.assert(
      fc.property(kafkaRecordArb, (record) => {
        // Act
        const replayed = fromLandingLine(throughNdjson(toLandingLine(record)));

        // Assess
        expect(replayed).toEqual(record);
        if (record.value !== null) expect(replayed.value!.equals(record.value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('are byte-identical when a replayed record is written to landing again', () => {
    fc.assert(
      fc.property(kafkaRecordArb, (record) => {
        // Prepare
        const first = JSON.stringify(toLandingLine(record));

        // Act
        const second = JSON.stringify(toLandingLine(fromLandingLine(JSON.parse(first) as LandingLine)));

        // Assess
        expect(second).toBe(first);
      }),
      { numRuns: 500 },
    );
  });

  it('keep a UTF-8 value as readable text, and other bytes as base64', () => {
    // Prepare
    const base = { topic: 'user_events', partition: 0, offset: 1, timestamp: BROKER_TIME, key: null, headers: [] };
    const text: KafkaRecord = { ...base, value: raw('{"page_url":"caf\u00e9"}') };
    const latin1: KafkaRecord = { ...base, value: Buffer.from([0x63, 0x61, 0x66, 0xe9]) };

    // Act
    const lines = [toLandingLine(text), toLandingLine(latin1)];

    // Assess
    expect(lines[0]).toMatchObject({ value: '{"page_url":"caf\u00e9"}' });
    expect(lines[0]).not.toHaveProperty('value_base64');
    expect(lines[1]).toMatchObject({ value: null, value_base64: Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString('base64') });
  });

  it('tell a tombstone apart from an empty value', () => {
    // Prepare
    const base = { topic: 'user_events', partition: 0, offset: 1, timestamp: BROKER_TIME, key: 'k', headers: [] };

    // Act
    const tombstone = fromLandingLine(throughNdjson(toLandingLine({ ...base, value: null })));
    const empty = fromLandingLine(throughNdjson(toLandingLine({ ...base, value: Buffer.alloc(0) })));

    // Assess
    expect(tombstone.value).toBeNull();
    expect(empty.value).toEqual(Buffer.alloc(0));
  });

  it('keep the Kafka coordinates, key and headers', () => {
    // Prepare
    const record: KafkaRecord = { topic: 'transactions', partition: 4, offset: 9001, timestamp: BROKER_TIME, key: 'USR-00001', headers: [header('source', 'pos')], value: raw('{}') };

    // Act
    const line = toLandingLine(record);

    // Assess
    expect(line).toEqual({
      topic: 'transactions',
      partition: 4,
      offset: 9001,
      timestamp: BROKER_TIME,
      key: 'USR-00001',
      headers: [{ name: 'source', value_base64: Buffer.from('pos').toString('base64') }],
      value: '{}',
    });
  });

  it('keep every header in order with its exact bytes: repeated names, bytes that are not UTF-8, a header without a value', () => {
    // Prepare: a, b, a as the producer wrote them (what MSK delivers; kafkajs would regroup them).
    const headers = [header('a', 'one'), header('b', Uint8Array.from([0xff, 0x00, 0x80])), header('a', 'two'), { name: 'c', value: null }];
    const [batch] = decodeMskEvent(mskEvent([{ topic: 'user_events', value: {}, headers }]));

    // Act
    const line = throughNdjson(toLandingLine(batch!.records[0]!));

    // Assess
    expect(line.headers).toEqual([
      { name: 'a', value_base64: 'b25l' },
      { name: 'b', value_base64: '/wCA' },
      { name: 'a', value_base64: 'dHdv' },
      { name: 'c', value_base64: null },
    ]);
    expect(fromLandingLine(line).headers).toEqual(headers);
  });

  it('written by the previous version, with headers as an object of texts, still read back (and are written again as a list)', () => {
    // Prepare
    const legacy = `{"topic":"user_events","partition":0,"offset":5,"timestamp":${BROKER_TIME},"key":"k","value":"{}","headers":{"trace":"abc","__proto__":"kept"}}`;

    // Act
    const record = fromLandingLine(JSON.parse(legacy) as LandingLine);

    // Assess
    expect(record.headers).toEqual([header('trace', 'abc'), header('__proto__', 'kept')]);
    expect(toLandingLine(record).headers).toEqual([
      { name: 'trace', value_base64: Buffer.from('abc').toString('base64') },
      { name: '__proto__', value_base64: Buffer.from('kept').toString('base64') },
    ]);
  });
});

describe('raw bytes kept exactly', () => {
  it("keeps the header of AWS's published MSK event, Java-signed bytes [118, -36, 0, 127, -128], as those bytes", () => {
    // Prepare: test/fixtures/aws/msk-event.json, as published (aws/aws-lambda-go events/testdata).
    const [batch] = decodeMskEvent(awsPayload<MSKEvent>('mskEvent'));

    // Act
    const line = throughNdjson(toLandingLine(batch!.records[0]!));

    // Assess: 0x76 0xdc 0x00 0x7f 0x80, not UTF-8 text with replacement characters.
    expect(line.headers).toEqual([{ name: 'headerKey', value_base64: Buffer.from([0x76, 0xdc, 0x00, 0x7f, 0x80]).toString('base64') }]);
  });

  /** AWS's published sample MSK event (https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html), with a time Kafka did not set. */
  const awsSample = (timestamp: number, timestampType: string): MSKEvent =>
    ({
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/vpc-2priv-2pub/751d2973-a626-431c-9d4e-d7975eb44dd7-2',
      bootstrapServers: 'b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092',
      records: {
        'mytopic-0': [
          {
            topic: 'mytopic',
            partition: 0,
            offset: 15,
            timestamp,
            timestampType,
            key: 'abcDEFghiJKLmnoPQRstuVWXyz1234==',
            value: 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==',
            headers: [{ headerKey: [104, 101, 97, 100, 101, 114, 86, 97, 108, 117, 101] }],
          },
        ],
      },
    }) as unknown as MSKEvent;

  it("keeps a key that is not UTF-8 (AWS's sample key) as base64 in landing, and reads it back byte for byte", () => {
    // Prepare
    const [batch] = decodeMskEvent(awsSample(1545084650987, 'CREATE_TIME'));
    const record = batch!.records[0]!;

    // Act
    const line = throughNdjson(toLandingLine(record));

    // Assess
    expect(record.key).toBeNull();
    expect(line.key).toBeNull();
    expect(Buffer.from(line.key_base64!, 'base64').equals(Buffer.from('abcDEFghiJKLmnoPQRstuVWXyz1234==', 'base64'))).toBe(true);
    expect(fromLandingLine(line).keyBytes!.equals(record.keyBytes!)).toBe(true);
    expect(line.timestampType).toBeUndefined();
  });

  it('keeps Kafka\'s "no timestamp" as -1 with its type in landing, and leaves the gold kafka_timestamp empty instead of 1969', () => {
    // Prepare
    const [batch] = decodeMskEvent(awsSample(-1, 'NO_TIMESTAMP_TYPE'));
    const record = batch!.records[0]!;

    // Act
    const line = throughNdjson(toLandingLine(record));
    const kafkaTimestamp = USER_EVENTS_TABLE.columns.find((column) => column.name === 'kafka_timestamp')!;

    // Assess
    expect(line).toMatchObject({ timestamp: -1, timestampType: 'NO_TIMESTAMP_TYPE' });
    expect(fromLandingLine(line)).toMatchObject({ timestamp: -1, timestampType: 'NO_TIMESTAMP_TYPE' });
    expect(kafkaTimestamp.nullable).toBe(true);
    expect(kafkaTimestamp.read({ value: {} as never, kafka: record })).toBeNull();
  });
});
