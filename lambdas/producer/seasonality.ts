/**
 * When events happen: weights by day (week, season, growth) and by hour, so dashboards show
 * the weekly rhythm, a holiday peak and a gently growing business.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** Sunday first, as `Date.getUTCDay()` counts; shoppers buy more at weekends. */
const WEEKDAY_FACTOR = [1.12, 1.04, 0.94, 0.95, 0.99, 1.05, 1.16] as const;
/** January first; November and December carry the holiday season. */
const MONTH_FACTOR = [0.85, 0.88, 0.95, 0.97, 1.0, 0.98, 0.97, 1.0, 0.98, 1.02, 1.3, 1.45] as const;
/** Midnight first (UTC): quiet nights, a lunch bump and an evening peak. */
export const HOUR_WEIGHTS = [
  0.5, 0.35, 0.25, 0.2, 0.2, 0.3, 0.5, 0.8, 1.0, 1.1, 1.2, 1.35, 1.5, 1.45, 1.3, 1.25, 1.3, 1.45, 1.7, 1.9, 2.0, 1.8, 1.3, 0.8,
] as const;

export interface EventWindow {
  /** Inclusive start of the first day (UTC midnight). */
  readonly start: Date;
  /** Exclusive end: events are never later than this. */
  readonly end: Date;
}

/** The window of `days` days ending at `end`; without `days`, the 13 months up to `end`. */
export const eventWindow = (end: Date, days?: number): EventWindow => {
  // Counted from the day of the window's last instant: an `end` at midnight closes the day before,
  // so `--days 1 --until 2025-01-01` is the whole of 31 December, not an empty window.
  const last = new Date(end.getTime() - 1);
  const startDay = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), last.getUTCDate()));
  if (days !== undefined) startDay.setTime(startDay.getTime() - (days - 1) * DAY_MS);
  else startDay.setUTCMonth(startDay.getUTCMonth() - 13);
  return { start: startDay, end };
};

/** The UTC midnights of every day in the window, oldest first. */
export const daysOf = (window: EventWindow): Date[] => {
  const days: Date[] = [];
  for (let t = window.start.getTime(); t < window.end.getTime(); t += DAY_MS) days.push(new Date(t));
  return days;
};

/** Relative traffic of a day: weekday × month × a 15 % growth over the window. */
export const dayWeight = (day: Date, window: EventWindow): number => {
  const span = Math.max(window.end.getTime() - window.start.getTime(), DAY_MS);
  const growth = 0.85 + 0.15 * ((day.getTime() - window.start.getTime()) / span);
  return WEEKDAY_FACTOR[day.getUTCDay()]! * MONTH_FACTOR[day.getUTCMonth()]! * growth;
};

export { DAY_MS };
