import { randomUUID } from 'node:crypto';
import type { PreparedEvent, StoredEvent } from '../../src/core/events.js';

/** A minimal prepared event for store-level tests; override what the test is about. */
/** Properties and context are given as objects here; the event carries them as JSON (PreparedEvent.json). */
export type EventOverrides = Partial<PreparedEvent> & { properties?: Record<string, unknown>; context?: Record<string, unknown> };

export function preparedEvent(overrides: EventOverrides = {}): PreparedEvent {
  const properties = overrides.properties ?? {};
  const traits = overrides.traits ?? {};
  const context = overrides.context ?? {};
  const base: PreparedEvent = {
    messageId: randomUUID(),
    sourceId: 'default',
    type: 'track',
    event: 'Product Viewed',
    name: null,
    userId: null,
    anonymousId: 'anon-1',
    groupId: null,
    previousId: null,
    timestamp: Date.UTC(2026, 0, 1),
    originalTimestamp: null,
    sentAt: null,
    receivedAt: Date.UTC(2026, 0, 1),
    traits,
    json: { properties: JSON.stringify(properties), traits: JSON.stringify(traits), context: JSON.stringify(context) },
    revenue: null,
    currency: null,
    sizeBytes: 0,
    timezone: null,
    locale: null,
    ip: null,
    country: null,
    city: null,
    userAgent: null,
    browser: null,
    os: null,
    deviceType: null,
    isBot: false,
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    utmTerm: null,
    utmContent: null,
    sessionId: null,
    url: null,
    path: null,
    referrer: null,
    title: null,
  };
  const { properties: _p, context: _c, ...fields } = overrides;
  return { ...base, ...fields, json: { properties: JSON.stringify(properties), traits: JSON.stringify(traits), context: JSON.stringify(context) } };
}

export function storedEvent(overrides: EventOverrides & Partial<StoredEvent> = {}): StoredEvent {
  const { properties: _p, context: _c, ...fields } = overrides;
  return { ...preparedEvent(overrides), personId: 'p1', nodeId: 'local', batchSeq: 1, ...fields } as StoredEvent;
}
