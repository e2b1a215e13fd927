import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProducedMessage } from '../../lambdas/shared/ports/event-publisher.js';
import { TopicLog } from '../../lambdas/local/topic-log.js';

const message = (topic: string, key: string | null, text: string, timestamp = 1_000): ProducedMessage => ({
  topic,
  key,
  value: Buffer.from(text, 'utf8'),
  timestamp,
});

/** Every message of a topic-partition still held, from offset 0. */
const allOf = (log: TopicLog, topic: string, partition: number) => log.read(topic, partition, 0, Number.MAX_SAFE_INTEGER);

describe('TopicLog', () => {
  it('keeps every message of a key on one partition, in publish order', async () => {
    // Prepare
    const log = new TopicLog(4);
    const keys = ['USR-00001', 'USR-00002', 'USR-00003', 'USR-00004', 'USR-00005', 'USR-00006'];
    const messages = Array.from({ length: 120 }, (_, i) => message('user_events', keys[i % keys.length]!, `m${i}`));

    // Act
    await log.publish(messages);

    // Assess
    const partitionsOfKey = new Map<string, Set<number>>();
    const texts: string[][] = [];
    for (let partition = 0; partition < 4; partition++) {
      for (const logged of allOf(log, 'user_events', partition)) {
        partitionsOfKey.set(logged.key!, (partitionsOfKey.get(logged.key!) ?? new Set()).add(partition));
        (texts[partition] ??= []).push(logged.value!.toString());
      }
    }
    for (const partitions of partitionsOfKey.values()) expect(partitions.size).toBe(1);
    for (const key of keys) {
      const [partition] = [...partitionsOfKey.get(key)!];
      const ofKey = allOf(log, 'user_events', partition!).filter((logged) => logged.key === key).map((logged) => logged.value!.toString());
      expect(ofKey).toEqual(messages.filter((m) => m.key === key).map((m) => m.value!.toString()));
    }
    expect(texts.flat()).toHaveLength(120);
  });

  it('sends a key to the same partition in every log and every run (stable hash)', async () => {
    // Prepare
    const first = new TopicLog(5);
    const second = new TopicLog(5);
    const messages = Array.from({ length: 50 }, (_, i) => message('transactions', `USR-${i}`, `m${i}`));

    // Act
    await first.publish(messages);
    await second.publish([...messages].reverse());

    // Assess
    for (let partition = 0; partition < 5; partition++) {
      const keys = (log: TopicLog) => new Set(allOf(log, 'transactions', partition).map((logged) => logged.key));
      expect(keys(second)).toEqual(keys(first));
    }
  });

  it('spreads keyed messages over the partitions and unkeyed ones round-robin', async () => {
    // Prepare
    const log = new TopicLog(3);

    // Act
    await log.publish(Array.from({ length: 300 }, (_, i) => message('keyed', `key-${i}`, 'x')));
    await log.publish(Array.from({ length: 9 }, () => message('unkeyed', null, 'x')));

    // Assess
    for (let partition = 0; partition < 3; partition++) {
      expect(allOf(log, 'keyed', partition).length).toBeGreaterThan(50);
      expect(allOf(log, 'unkeyed', partition)).toHaveLength(3);
    }
  });

  it('numbers offsets contiguously from 0 on every partition, across publishes', async () => {
    // Prepare / Act / Assess
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.record({ topic: fc.constantFrom('a', 'b'), key: fc.option(fc.string({ maxLength: 6 })) }), { maxLength: 30 }), { maxLength: 6 }),
        async (publishes) => {
          const log = new TopicLog(3);
          for (const batch of publishes) await log.publish(batch.map(({ topic, key }) => message(topic, key, 'v')));
          for (const { topic, partition } of log.topicPartitions()) {
            const offsets = allOf(log, topic, partition).map((logged) => logged.offset);
            expect(offsets).toEqual(offsets.map((_, i) => i));
            expect(log.endOffset(topic, partition)).toBe(offsets.length);
            expect(allOf(log, topic, partition).every((logged) => logged.partition === partition && logged.topic === topic)).toBe(true);
          }
          expect(publishes.flat().length).toBe(log.topicPartitions().reduce((sum, tp) => sum + log.endOffset(tp.topic, tp.partition), 0));
        },
      ),
    );
  });

  it('reads at most max messages from an offset', async () => {
    // Prepare
    const log = new TopicLog(1);
    await log.publish(Array.from({ length: 10 }, (_, i) => message('t', 'k', `m${i}`)));

    // Act
    const read = log.read('t', 0, 4, 3);

    // Assess
    expect(read.map((logged) => logged.offset)).toEqual([4, 5, 6]);
    expect(log.read('t', 0, 10, 5)).toEqual([]);
    expect(log.read('absent', 0, 0, 5)).toEqual([]);
  });

  it('frees released messages yet keeps their offsets: new messages continue the numbering', async () => {
    // Prepare
    const log = new TopicLog(1);
    await log.publish(Array.from({ length: 10 }, (_, i) => message('t', 'k', `m${i}`)));

    // Act
    log.release('t', 0, 6);
    await log.publish([message('t', 'k', 'm10')]);

    // Assess
    expect(log.read('t', 0, 0, 100).map((logged) => logged.offset)).toEqual([6, 7, 8, 9, 10]);
    expect(log.read('t', 0, 8, 1).map((logged) => logged.value!.toString())).toEqual(['m8']);
    expect(log.endOffset('t', 0)).toBe(11);
  });

  it('ignores a release below what was already released, and never releases past the end', async () => {
    // Prepare
    const log = new TopicLog(1);
    await log.publish(Array.from({ length: 5 }, (_, i) => message('t', 'k', `m${i}`)));
    log.release('t', 0, 3);

    // Act
    log.release('t', 0, 1);
    log.release('t', 0, 99);
    await log.publish([message('t', 'k', 'm5')]);

    // Assess
    expect(log.read('t', 0, 0, 100).map((logged) => logged.offset)).toEqual([5]);
    expect(log.endOffset('t', 0)).toBe(6);
  });

  it('stamps each message with the time it was appended, from the injected clock', async () => {
    // Prepare
    let now = 5_000;
    const log = new TopicLog(1, () => now);

    // Act
    await log.publish([message('t', 'k', 'a', 1)]);
    now = 7_500;
    await log.publish([message('t', 'k', 'b', 2)]);

    // Assess
    expect(allOf(log, 't', 0).map((logged) => [logged.timestamp, logged.appendedAt])).toEqual([
      [1, 5_000],
      [2, 7_500],
    ]);
  });

  it('lists each topic-partition once, in a stable order, and reads 0 as the end of an unknown one', async () => {
    // Prepare
    const log = new TopicLog(2);

    // Act
    await log.publish([message('b', 'k', 'x'), message('a', 'k', 'x')]);

    // Assess
    expect(log.topicPartitions()).toEqual([
      { topic: 'b', partition: 0 },
      { topic: 'b', partition: 1 },
      { topic: 'a', partition: 0 },
      { topic: 'a', partition: 1 },
    ]);
    expect(log.endOffset('c', 0)).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s partitions per topic', (partitions) => {
    // Prepare / Act
    const create = () => new TopicLog(partitions);

    // Assess
    expect(create).toThrow(/partitionsPerTopic must be a positive integer/);
  });
});
