import { z } from 'zod';
import { DURATION_UNIT_MS, type DurationUnit } from '../core/units.js';

const DURATION = /^(\d+)(m|h|d|w)$/;

/** `30m`, `12h`, `7d`, `2w` → milliseconds. */
export function durationMs(text: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration like 30m, 12h, 7d or 2w`);
  return Number(match[1]) * DURATION_UNIT_MS[match[2] as DurationUnit];
}

export const durationSchema = z
  .string()
  .regex(DURATION, 'a duration like 30m, 12h, 7d or 2w')
  .refine((text) => !DURATION.test(text) || durationMs(text) > 0, 'must be longer than zero')
  .describe('A duration: a whole number and a unit, m (minutes), h (hours), d (days) or w (weeks): "30m", "7d", "2w"');

export const isoTimeSchema = z.iso.datetime({ offset: true }).describe('An ISO 8601 time, e.g. 2026-01-01T00:00:00Z');

const jsonValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const comparison = z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'in', 'exists', 'notExists']);

const filterFields = {
  op: comparison.default('eq').describe('eq, neq, in (value is a list), contains (text), gt/gte/lt/lte (numbers), exists, notExists'),
  value: z.union([jsonValue, z.array(jsonValue)]).optional(),
};

/** A condition on an event's properties. */
export const propertyFilterSchema = z.strictObject({ property: z.string().min(1).max(200), ...filterFields });
/** A condition on the person's traits (the latest value their identify calls gave). */
export const traitFilterSchema = z.strictObject({ trait: z.string().min(1).max(200), ...filterFields });
export const filterSchema = z.union([propertyFilterSchema, traitFilterSchema]);
export type PropertyFilter = z.infer<typeof propertyFilterSchema>;
export type TraitFilter = z.infer<typeof traitFilterSchema>;
export type Filter = z.infer<typeof filterSchema>;

/** An event to match: a track name, or `$page`/`$screen`/`$identify`/`$group`/`$alias` for the other calls. */
export const eventMatchSchema = z.strictObject({
  event: z.string().min(1).max(200),
  where: z.array(propertyFilterSchema).max(20).optional(),
});
export type EventMatch = z.infer<typeof eventMatchSchema>;

/** Options every query kind takes. */
export const commonFields = {
  from: isoTimeSchema.optional(),
  to: isoTimeSchema.optional(),
  where: z.array(filterSchema).max(20).optional().describe('Filters on every event considered (property) or on the person (trait)'),
};

export const unitField = {
  unit: z.enum(['person', 'session']).default('person').describe('Count people (identity merges applied) or sessions (context.sessionId)'),
};

export interface TimeRange {
  from?: number | undefined;
  to?: number | undefined;
}

export function timeRange(def: { from?: string | undefined; to?: string | undefined }): TimeRange {
  return { from: def.from === undefined ? undefined : Date.parse(def.from), to: def.to === undefined ? undefined : Date.parse(def.to) };
}
