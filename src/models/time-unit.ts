import { DAY } from '../core/units.js';

export const TIME_UNITS = ['day', 'week', 'month'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

/** Length of each unit in days. A month is the mean Gregorian month, 365.25 / 12 days, as in the literature. */
export const UNIT_DAYS: Record<TimeUnit, number> = { day: 1, week: 7, month: 365.25 / 12 };

/** A UTC day number (days since 1970-01-01) for epoch ms: purchases are merged per calendar day (UTC). */
export const dayOf = (ms: number): number => Math.floor(ms / DAY);

/** The ISO date (YYYY-MM-DD, UTC) of a day number: the inverse of `dayOf`. */
export const isoDay = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

/** One year in the unit, rounded: the default horizon for expected transactions. */
export const periodsPerYear = (unit: TimeUnit): number => Math.round(365 / UNIT_DAYS[unit]);
