import { randomUUID } from 'node:crypto';
import type { PreparedEvent, StoredEvent } from '../../src/core/events.js';

/** A minimal prepared event for store-level tests; override what the test is about. */
export function preparedEvent(overrides: Partial<PreparedEvent> = {}): PreparedEvent {
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
    properties,
    traits,
    context,
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
  return { ...base, ...overrides, json: { properties: JSON.stringify(properties), traits: JSON.stringify(traits), context: JSON.stringify(context) } };
}

export function storedEvent(overrides: Partial<StoredEvent> = {}): StoredEvent {
  return { ...preparedEvent(overrides), personId: 'p1', nodeId: 'local', batchSeq: 1, ...overrides } as StoredEvent;
}
