import { z } from 'zod';

/**
 * The Segment wire format (https://segment.com/docs/connections/spec/common/), as received. Unknown fields are
 * kept (loose objects) because clients add their own (`_metadata`, `integrations`, …). Only types are checked
 * here; semantic problems (no ids, no event name) are drops with a reason, decided in the pipeline.
 */
export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** userId / anonymousId may be strings or numbers on the wire (Segment coerces numbers to strings). */
const idField = z.union([z.string().max(512), z.number()]).nullish();
const timestampField = z.union([z.string().max(64), z.number()]).nullish();
const objectField = z.record(z.string(), z.unknown()).nullish();

export const incomingEventSchema = z.looseObject({
  type: z.enum(EVENT_TYPES).optional(),
  messageId: z.union([z.string().min(1).max(256), z.number()]).nullish(),
  userId: idField,
  anonymousId: idField,
  event: z.string().max(512).nullish(),
  name: z.string().max(512).nullish(),
  category: z.string().max(512).nullish(),
  groupId: idField,
  previousId: idField,
  properties: objectField,
  traits: objectField,
  context: objectField,
  integrations: objectField,
  timestamp: timestampField,
  originalTimestamp: timestampField,
  sentAt: timestampField,
  writeKey: z.string().max(256).nullish(),
});
export type IncomingEvent = z.infer<typeof incomingEventSchema>;

export const batchEnvelopeSchema = z.looseObject({
  batch: z.array(z.unknown()).max(10_000),
  sentAt: timestampField,
  context: objectField,
  integrations: objectField,
  writeKey: z.string().max(256).nullish(),
});

/** Typed reasons an event is dropped; counted per reason in responses, /api/stats and /metrics. */
export const DROP_REASONS = [
  'missing_id', // neither a usable userId nor anonymousId (junk ids such as "null" count as missing)
  'missing_event_name', // a track call without `event`
  'missing_previous_id', // an alias call without `previousId`
  'missing_group_id', // a group call without `groupId`
  'invalid_timestamp', // a timestamp that is not a date
  'duplicate', // messageId already seen within the dedup window
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Context the profile keeps from the latest event (for quiet hours, locales, attribution later). */
export interface EventEnrichment {
  timezone: string | null;
  locale: string | null;
  ip: string | null;
  country: string | null;
  city: string | null;
  userAgent: string | null;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  isBot: boolean;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  url: string | null;
  path: string | null;
  referrer: string | null;
  title: string | null;
  /** context.sessionId (RudderStack's convention; Crumbtrail's tracker sends it too): the client's session. */
  sessionId: string | null;
}

/** A normalised event on its way into the stores (ids trimmed to strings, times as epoch ms). */
export interface PreparedEvent extends EventEnrichment {
  messageId: string;
  sourceId: string;
  type: EventType;
  event: string | null;
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  groupId: string | null;
  previousId: string | null;
  timestamp: number;
  originalTimestamp: number | null;
  sentAt: number | null;
  receivedAt: number;
  /**
   * Identify traits, the only part of the body the ingest path reads as an object (profile deltas, beside the
   * encoded columns: src/ingest/encoded-request.ts). Properties and context travel as `json` only.
   */
  traits: Record<string, unknown>;
  revenue: number | null;
  currency: string | null;
  /** Properties, traits and context serialised once, for the size check and for storage. */
  json: { properties: string; traits: string; context: string };
  /** Serialised size, checked against the 32 KB limit. */
  sizeBytes: number;
}

/**
 * What the flush reads of an event as values (identity resolution, profile deltas); the rest travels encoded. The
 * collect workers send these fields beside the encoded columns.
 */
export type IdentityFacts = Pick<PreparedEvent, 'type' | 'userId' | 'anonymousId' | 'previousId' | 'receivedAt' | 'traits'>;

/** An event as the event log holds it: prepared, plus the person it was resolved to and the batch it came in. */
export interface StoredEvent extends PreparedEvent {
  personId: string;
  nodeId: string;
  batchSeq: number;
}
