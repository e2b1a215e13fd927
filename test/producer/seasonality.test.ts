import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_WEIGHTS, dayWeight, daysOf, eventWindow } from '../../lambdas/producer/seasonality.js';

describe('eventWindow', () => {
  it('spans the 13 months up to the end by default, from a UTC midnight', () => {
    // Prepare
    const end = new Date('2025-06-15T12:34:56Z');

    // Act
    const window = eventWindow(end);

    // Assess
    expect(window.start.toISOString()).toBe('2024-05-15T00:00:00.000Z');
    expect(window.end).toBe(end);
  });

  it('spans N days with --days, the day of the end counting as the last', () => {
    // Prepare
    const end = new Date('2025-06-15T12:00:00Z');

    // Act
    const window = eventWindow(end, 7);

    // Assess
    expect(window.start.toISOString()).toBe('2025-06-09T00:00:00.000Z');
    expect(daysOf(window)).toHaveLength(7);
  });

  it('treats an end at midnight as the close of the previous day, so one day is never empty', () => {
    // Prepare
    const end = new Date('2025-01-01T00:00:00Z');

    // Act
    const oneDay = eventWindow(end, 1);
    const thirteenMonths = eventWindow(end);

    // Assess
    expect(oneDay.start.toISOString()).toBe('2024-12-31T00:00:00.000Z');
    expect(daysOf(oneDay).map((day) => day.toISOString())).toEqual(['2024-12-31T00:00:00.000Z']);
    expect(thirteenMonths.start.toISOString()).toBe('2023-12-01T00:00:00.000Z');
  });

  it('always starts at a UTC midnight before the end, with N days for any end and N', () => {
    // Prepare / Act / Assess
    fc.assert(
      fc.property(fc.date({ min: new Date('2001-01-01'), max: new Date('2099-01-01'), noInvalidDate: true }), fc.integer({ min: 1, max: 3650 }), (end, days) => {
        const window = eventWindow(end, days);
        expect(window.start.getTime() % DAY_MS).toBe(0);
        expect(window.start.getTime()).toBeLessThan(end.getTime());
        expect(daysOf(window)).toHaveLength(days);
      }),
    );
  });
});

describe('daysOf', () => {
  it('lists the UTC midnights of the window, oldest first', () => {
    // Prepare
    const window = { start: new Date('2025-02-27T00:00:00Z'), end: new Date('2025-03-02T08:00:00Z') };

    // Act
    const days = daysOf(window).map((day) => day.toISOString().slice(0, 10));

    // Assess
    expect(days).toEqual(['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
  });
});

describe('dayWeight', () => {
  const window = eventWindow(new Date('2025-12-31T23:00:00Z'));

  it('weighs a Saturday above the Wednesday of the same week', () => {
    // Prepare
    const wednesday = new Date('2025-06-11T00:00:00Z');
    const saturday = new Date('2025-06-14T00:00:00Z');

    // Act / Assess
    expect(dayWeight(saturday, window)).toBeGreaterThan(dayWeight(wednesday, window) * 1.1);
  });

  it('weighs a December day above a June day of the same weekday (the holiday season)', () => {
    // Prepare: both Mondays, December later in the window
    const june = new Date('2025-06-02T00:00:00Z');
    const december = new Date('2025-12-01T00:00:00Z');

    // Act / Assess
    expect(dayWeight(december, window)).toBeGreaterThan(dayWeight(june, window) * 1.3);
  });

  it('grows gently over the window: the same weekday and month a year later weighs more', () => {
    // Prepare: the first Monday of December in both years
    const early = new Date('2024-12-02T00:00:00Z');
    const late = new Date('2025-12-01T00:00:00Z');

    // Act
    const growth = dayWeight(late, window) / dayWeight(early, window);

    // Assess
    expect(growth).toBeGreaterThan(1.05);
    expect(growth).toBeLessThan(1.25);
  });
});

describe('HOUR_WEIGHTS', () => {
  it('has one weight per hour, quiet at night and peaking in the evening', () => {
    // Prepare
    const weights: readonly number[] = HOUR_WEIGHTS;
    const peak = weights.indexOf(Math.max(...weights));

    // Act / Assess
    expect(HOUR_WEIGHTS).toHaveLength(24);
    expect(peak).toBeGreaterThanOrEqual(18);
    expect(peak).toBeLessThanOrEqual(22);
    expect(HOUR_WEIGHTS[3]).toBeLessThan(HOUR_WEIGHTS[12] / 3);
  });
});
