import { randomUUID } from 'node:crypto';
import type { PreparedEvent, StoredEvent } from '../../src/core/events.js';

/** Properties and context are given as objects here; the event carries them as JSON (PreparedEvent.json). */
export type EventOverrides = Partial<PreparedEvent> & { properties?: Record<string, unknown>; context?: Record<string, unknown> };

/** A minimal prepared event for store-level tests; override what the test is about. */
export function preparedEvent(overrides: EventOverrides = {}): PreparedEvent {
  const { properties = {}, context = {}, ...fields } = overrides;
  const traits = overrides.traits ?? {};
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
  return { ...base, ...fields, json: base.json };
}

export function storedEvent(overrides: EventOverrides & Partial<StoredEvent> = {}): StoredEvent {
  // preparedEvent keeps every override, the StoredEvent fields included: these are only the defaults.
  return { personId: 'p1', nodeId: 'local', batchSeq: 1, ...preparedEvent(overrides) };
}
