/**
 * Synthetic shop histories for bench/analytics: ~20 events per person over 180 days, shaped like the demo shop
 * (page views, a 4-step purchase funnel with drop-off, sign-ups, subscriptions, failed payments before some
 * cancellations), generated person by person from a seed so both engines receive exactly the same events.
 */
import type { StoredEvent } from '../../src/core/events.js';
import { mulberry32 } from '../../src/core/prng.js';
import { DAY } from '../../src/core/units.js';
import type { PersonMerge } from '../../src/store/event-store/port.js';

export const HISTORY_END = Date.parse('2026-11-01T00:00:00Z');
export const HISTORY_DAYS = 180;
const PATHS = ['/', '/products', '/products/shoes', '/products/hats', '/products/bags', '/cart', '/about', '/blog/fit-guide'];
const SOURCES = ['google', 'newsletter', 'instagram', 'direct', 'partner'];

const BASE: Omit<StoredEvent, 'messageId' | 'type' | 'event' | 'personId' | 'timestamp' | 'receivedAt' | 'batchSeq'> = {
  sourceId: 'default', nodeId: 'bench', name: null, userId: null, anonymousId: null, groupId: null, previousId: null,
  originalTimestamp: null, sentAt: null, traits: {},
  json: { properties: '{}', traits: '{}', context: '{}' }, sizeBytes: 6, revenue: null, currency: null,
  timezone: 'Asia/Tokyo', locale: 'ja-JP', ip: null, country: 'JP', city: null, userAgent: null, browser: 'Chrome',
  os: 'Windows', deviceType: 'desktop', isBot: false, utmSource: null, utmMedium: null, utmCampaign: null,
  utmTerm: null, utmContent: null, url: null, path: null, referrer: null, title: null, sessionId: null,
};

export interface GeneratedPerson {
  events: StoredEvent[];
  merge: PersonMerge | null;
}

/** Generates people one at a time; `next()` returns null after `people`. */
export class ShopHistory {
  private readonly random: () => number;
  private person = 0;
  private message = 0;

  constructor(private readonly people: number, seed: number) {
    this.random = mulberry32(seed);
  }

  next(): GeneratedPerson | null {
    if (this.person >= this.people) return null;
    const n = this.person++;
    const r = this.random;
    const pid = `p${n}`;
    // One in ten browsed anonymously first: those events carry another person id, merged at sign-in.
    const anon = r() < 0.1 ? `a${n}` : null;
    const events: StoredEvent[] = [];
    const start = HISTORY_END - HISTORY_DAYS * DAY + Math.floor(r() * (HISTORY_DAYS - 10) * DAY);
    const source = SOURCES[Math.floor(r() * SOURCES.length)]!;
    type Extra = Partial<StoredEvent> & { properties?: Record<string, unknown> };
    const add = (type: StoredEvent['type'], event: string | null, ts: number, { properties = {}, ...extra }: Extra = {}, who = pid) => {
      const json = { properties: JSON.stringify(properties), traits: '{}', context: '{}' };
      events.push({ ...BASE, messageId: `m${this.message++}`, type, event, personId: who, timestamp: ts, receivedAt: ts, batchSeq: 1, ...extra, json, sizeBytes: json.properties.length + 4 });
    };
    const subscribed = r() < 0.2;
    const sessions = 1 + Math.floor(r() * 4);
    let t = start;
    for (let s = 0; s < sessions && t < HISTORY_END; s++) {
      const who = s === 0 && anon ? anon : pid;
      const sessionId = String(t);
      const views = 3 + Math.floor(r() * 6);
      for (let v = 0; v < views; v++) {
        t += Math.floor(5_000 + r() * 120_000);
        const path = PATHS[Math.floor(r() * PATHS.length)]!;
        add('page', null, t, { path, url: `https://shop.example${path}`, sessionId, utmSource: s === 0 && v === 0 ? source : null }, who);
      }
      add('track', 'Product Viewed', (t += 20_000), { sessionId, properties: { product_id: `sku-${Math.floor(r() * 50)}`, category: ['shoes', 'hats', 'bags'][Math.floor(r() * 3)] } }, who);
      if (r() < 0.45) {
        add('track', 'Product Added', (t += 60_000), { sessionId, properties: { price: 40 } }, who);
        if (r() < 0.6) {
          add('track', 'Checkout Started', (t += 90_000), { sessionId }, who);
          if (r() < 0.55) add('track', 'Order Completed', (t += 120_000), { sessionId, revenue: 20 + Math.floor(r() * 180), properties: { revenue: 60 } }, who);
        }
      }
      if (s === 0) {
        add('identify', null, (t += 1_000), {}, who);
        if (r() < 0.5) add('track', 'Signed Up', (t += 1_000));
        if (subscribed) add('track', 'Subscription Started', (t += 1_000));
      }
      t += Math.floor(r() * 30 * DAY);
    }
    if (subscribed && r() < 0.3) {
      const cancelAt = t + Math.floor(r() * 40 * DAY);
      if (cancelAt < HISTORY_END) {
        // The planted driver: most cancellations follow a failed payment within 60 days.
        if (r() < 0.6) add('track', 'Payment Failed', cancelAt - Math.floor(r() * 50 * DAY));
        add('track', 'Subscription Cancelled', cancelAt);
      }
    } else if (subscribed && r() < 0.1) {
      add('track', 'Payment Failed', t - Math.floor(r() * 50 * DAY));
    }
    events.sort((a, b) => a.timestamp - b.timestamp);
    return { events, merge: anon ? { from: anon, to: pid, at: start } : null };
  }
}
