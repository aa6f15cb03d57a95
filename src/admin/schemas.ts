import { z } from 'zod';
import { EVENT_TYPES } from '../core/events.js';

const isoTime = z.string().describe('ISO-8601 time');

export const profileSchema = z.object({
  personId: z.string(),
  userIds: z.array(z.string()),
  anonymousIds: z.array(z.string()),
  mergedPersonIds: z.array(z.string()).describe('Person ids merged into this one; they resolve here'),
  email: z.string().nullable(),
  traits: z.record(z.string(), z.unknown()),
  computedTraits: z
    .record(z.string(), z.unknown())
    .describe('Traits Crumbtrail computes (customer value, RFM, lifecycle), apart from identify traits; see docs/models.md'),
  context: z.record(z.string(), z.string()).describe('From the events: the latest timezone, locale, device, UTM and place'),
  firstTouch: z
    .object({
      utmSource: z.string().nullable(),
      utmMedium: z.string().nullable(),
      utmCampaign: z.string().nullable(),
      utmTerm: z.string().nullable(),
      utmContent: z.string().nullable(),
      referrer: z.string().nullable(),
      url: z.string().nullable(),
      at: z.number().describe('Epoch milliseconds'),
    })
    .nullable()
    .describe('The earliest event with a UTM source/campaign or a referrer'),
  firstSeen: isoTime,
  lastSeen: isoTime,
  createdAt: isoTime,
  eventCounts: z.record(z.string(), z.number().int()).describe('Events by name; non-track calls as $page, $identify, …'),
});

export const timelineEventSchema = z.object({
  messageId: z.string(),
  type: z.enum(EVENT_TYPES),
  event: z.string().nullable(),
  name: z.string().nullable(),
  personId: z.string(),
  userId: z.string().nullable(),
  anonymousId: z.string().nullable(),
  groupId: z.string().nullable(),
  previousId: z.string().nullable(),
  sourceId: z.string(),
  timestamp: isoTime,
  originalTimestamp: isoTime.nullable(),
  sentAt: isoTime.nullable(),
  receivedAt: isoTime,
  properties: z.record(z.string(), z.unknown()),
  traits: z.record(z.string(), z.unknown()),
  context: z.record(z.string(), z.unknown()),
});

export const timelineSchema = z.object({
  events: z.array(timelineEventSchema),
  nextBefore: z.string().nullable().describe('Pass as ?before= for the next (older) page; null at the end'),
});

export const timelineQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  before: z.string().max(200).optional().describe('A nextBefore cursor, or an ISO time'),
});

export const personLookupSchema = z
  .object({
    userId: z.string().min(1).max(512).optional(),
    anonymousId: z.string().min(1).max(512).optional(),
    email: z.string().min(3).max(512).optional(),
  })
  .refine((q) => [q.userId, q.anonymousId, q.email].filter((v) => v !== undefined).length === 1, {
    message: 'Give exactly one of userId, anonymousId or email',
  });

export const personIdParamsSchema = z.object({ personId: z.string().min(1).max(128) });

const storeHealthSchema = z.object({ engine: z.string(), ok: z.boolean(), detail: z.string().optional() });

export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptimeSeconds: z.number(),
  stores: z.object({ events: storeHealthSchema, state: storeHealthSchema }),
});

export const statsSchema = z.object({
  events: z.number().int().describe('Events stored in the event log'),
  people: z.number().int().describe('People (after identity merges)'),
  drops: z.record(z.string(), z.number().int()).describe('Dropped events by reason since the data folder was created'),
  ingestLagSeconds: z.number().describe('Last batch: oldest event received → durable'),
  bufferDepth: z.number().int().describe('Events waiting in the write buffer'),
});
