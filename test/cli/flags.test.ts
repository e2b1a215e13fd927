import { describe, expect, it } from 'vitest';
import { UsageError, brokersFlag, dateFlag, existingFileFlag, integerFlag, rateFlag } from '../../bin/cli/flags.js';

describe('integerFlag', () => {
  it('returns the default when the flag is absent', () => {
    // Prepare / Act / Assess
    expect(integerFlag('events', undefined, 50_000, 1, 100)).toBe(50_000);
  });

  it.each([
    ['20000', 20_000],
    ['1_000_000', 1_000_000],
    ['1', 1],
  ])('reads %s as %i', (raw, expected) => {
    // Prepare / Act / Assess
    expect(integerFlag('events', raw, 0, 1, 50_000_000)).toBe(expected);
  });

  it.each(['abc', '', '1.5', '0', '50000001', '-3', 'NaN', '1e9'])('refuses %j with a usage error naming the flag and its range', (raw) => {
    // Prepare / Act
    const read = () => integerFlag('events', raw, 0, 1, 50_000_000);

    // Assess
    expect(read).toThrow(UsageError);
    expect(read).toThrow(`--events must be a whole number from 1 to 50,000,000, got "${raw}"`);
  });
});

describe('rateFlag', () => {
  it.each([
    [undefined, 0],
    ['0', 0],
    ['0.05', 0.05],
    ['1', 1],
  ])('reads %j as %f', (raw, expected) => {
    // Prepare / Act / Assess
    expect(rateFlag('dirty-rate', raw, 0)).toBe(expected);
  });

  it.each(['2', '-0.1', ' ', 'five', 'Infinity', '5%'])('refuses %j with a usage error that shows an example', (raw) => {
    // Prepare / Act
    const read = () => rateFlag('dirty-rate', raw, 0);

    // Assess
    expect(read).toThrow(UsageError);
    expect(read).toThrow(/--dirty-rate must be a share from 0 to 1 \(e\.g\. 0\.05 for 5 %\)/);
  });
});

describe('dateFlag', () => {
  it('reads an ISO date or timestamp and defaults otherwise', () => {
    // Prepare
    const fallback = new Date(0);

    // Act / Assess
    expect(dateFlag('until', '2025-01-01T00:00:00Z', fallback).toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(dateFlag('until', undefined, fallback)).toBe(fallback);
  });

  it('refuses a value that is not a date', () => {
    // Prepare / Act
    const read = () => dateFlag('until', 'yesterday', new Date());

    // Assess
    expect(read).toThrow(UsageError);
    expect(read).toThrow(/--until must be an ISO date or timestamp/);
  });
});

describe('existingFileFlag', () => {
  it('passes an existing file through and absence as undefined', () => {
    // Prepare
    const path = new URL('../../package.json', import.meta.url).pathname;

    // Act / Assess
    expect(existingFileFlag('input', path)).toBe(path);
    expect(existingFileFlag('input', undefined)).toBeUndefined();
  });

  it('refuses a missing file with a usage error naming the flag and the path', () => {
    // Prepare / Act
    const read = () => existingFileFlag('input', '/nonexistent/replay.ndjson');

    // Assess
    expect(read).toThrow(UsageError);
    expect(read).toThrow('--input /nonexistent/replay.ndjson: no such file');
  });
});

describe('brokersFlag', () => {
  it.each([
    ['127.0.0.1:9092', ['127.0.0.1:9092']],
    ['localhost:9092, b-2.kafka.internal:9094', ['localhost:9092', 'b-2.kafka.internal:9094']],
  ])('reads %j as a broker list', (raw, expected) => {
    // Prepare / Act / Assess
    expect(brokersFlag(raw)).toEqual(expected);
  });

  it.each(['localhost', 'localhost:', ':9092', 'kafka:9092,', 'http://localhost:9092'])('refuses %j with a usage error saying the form wanted', (raw) => {
    // Prepare / Act
    const read = () => brokersFlag(raw);

    // Assess
    expect(read).toThrow(UsageError);
    expect(read).toThrow('--brokers wants HOST:PORT[,HOST:PORT…]');
  });
});
