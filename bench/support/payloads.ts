/**
 * Deterministic Segment `/v1/batch` bodies for the ingest benchmark: a shop's browser and server traffic
 * (page views with a user agent, product funnel tracks, identifies) spread over a fixed population of people.
 * Everything derives from one seed, so two runs with the same flags send byte-identical bodies.
 */
import { mulberry32 } from '../../src/core/prng.js';

export { mulberry32 };

const HEX = '0123456789abcdef';

function hex(rand: () => number, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) out += HEX[Math.floor(rand() * 16)];
  return out;
}

/**
 * A UUID v4-shaped id from the PRNG (so runs are reproducible, unlike crypto.randomUUID). When `serial` is
 * given, the last group holds it, which makes every messageId of a run unique by construction while the
 * leading 20 random digits keep inserts into the dedup index as scattered as real UUIDs.
 */
export function seededUuid(rand: () => number, serial?: number): string {
  const variant = HEX[8 + Math.floor(rand() * 4)];
  const tail = serial === undefined ? hex(rand, 12) : serial.toString(16).padStart(12, '0');
  return `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-${variant}${hex(rand, 3)}-${tail}`;
}

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];
const CATEGORIES = ['shoes', 'shirts', 'bags', 'hats', 'socks', 'jackets'];
const PAGES = ['/', '/sale', '/cart', '/checkout', '/account', '/search?q=boots'];
const REFERRERS = ['https://www.google.com/', 'https://duckduckgo.com/', 'https://shop.example/', '', '']; // '' = direct
const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Linus'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman'];

interface Person {
  anonymousId: string;
  /** null for visitors who never log in. */
  userId: string | null;
  name: string;
}

export interface PayloadOptions {
  events: number;
  batchSize: number;
  /** Distinct people (each has an anonymousId; ~60% also a userId). */
  people: number;
  seed: number;
}

export interface Payloads {
  /** The request bodies, JSON text, in send order. */
  bodies: string[];
  /** Events in each body (the last may be short). */
  counts: number[];
  events: number;
  bytes: number;
  /** Distinct anonymousIds + userIds that occur in the bodies. */
  distinctIds: number;
  mix: Record<string, number>;
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function makePeople(rand: () => number, count: number): Person[] {
  const people: Person[] = [];
  for (let i = 0; i < count; i++) {
    people.push({
      anonymousId: seededUuid(rand),
      userId: rand() < 0.6 ? `usr_${(100_000 + i).toString(36)}` : null,
      name: `${pick(rand, FIRST_NAMES)} ${pick(rand, LAST_NAMES)}`,
    });
  }
  return people;
}

/** One event, as the object a Segment SDK would put in `batch`. */
function makeEvent(rand: () => number, person: Person, serial: number, at: number, mix: Record<string, number>): object {
  // Logged-in people still send some events before logging in (anonymousId only), like a real session.
  const ids = person.userId !== null && rand() < 0.7 ? { anonymousId: person.anonymousId, userId: person.userId } : { anonymousId: person.anonymousId };
  const base = { messageId: seededUuid(rand, serial), ...ids, timestamp: new Date(at).toISOString() };
  const r = rand();
  if (r < 0.1 && person.userId !== null) {
    mix.identify = (mix.identify ?? 0) + 1;
    const email = `${person.name.toLowerCase().replace(' ', '.')}.${person.userId.slice(4)}@example.com`;
    return { type: 'identify', ...base, userId: person.userId, traits: { email, name: person.name } };
  }
  if (r < 0.42) {
    mix.page = (mix.page ?? 0) + 1;
    const path = pick(rand, PAGES);
    const referrer = pick(rand, REFERRERS);
    const page = { path: path.split('?')[0], url: `https://shop.example${path}`, ...(referrer ? { referrer } : {}) };
    return { type: 'page', ...base, context: { page, userAgent: pick(rand, USER_AGENTS) } };
  }
  const sku = `SKU-${10_000 + Math.floor(rand() * 5_000)}`;
  const price = Math.round((5 + rand() * 195) * 100) / 100;
  if (r < 0.95) {
    const event = r < 0.78 ? 'Product Viewed' : 'Product Added';
    mix[event] = (mix[event] ?? 0) + 1;
    return { type: 'track', ...base, event, properties: { sku, price, category: pick(rand, CATEGORIES), currency: 'EUR' } };
  }
  mix['Order Completed'] = (mix['Order Completed'] ?? 0) + 1;
  const quantity = 1 + Math.floor(rand() * 3);
  return {
    type: 'track',
    ...base,
    event: 'Order Completed',
    properties: { order_id: `ord_${serial.toString(36)}`, revenue: Math.round(price * quantity * 100) / 100, currency: 'EUR', sku, price, quantity },
  };
}

/** Pre-generate every body of the run (done before timing starts). */
export function generatePayloads(options: PayloadOptions): Payloads {
  const rand = mulberry32(options.seed);
  const people = makePeople(rand, options.people);
  const seen = new Set<string>();
  const mix: Record<string, number> = {};
  const bodies: string[] = [];
  const counts: number[] = [];
  // A fixed clock (from the seed) so bodies are reproducible; the server re-bases times on receivedAt anyway.
  const start = Date.UTC(2026, 0, 1) + (options.seed % 1000) * 1000;
  let serial = 0;
  let bytes = 0;
  while (serial < options.events) {
    const n = Math.min(options.batchSize, options.events - serial);
    const batch: object[] = [];
    const batchTime = start + serial * 10; // ~100 events per simulated second
    for (let i = 0; i < n; i++) {
      // Skewed activity: a third of the traffic comes from the first tenth of the population.
      const index = rand() < 0.33 ? Math.floor(rand() * options.people * 0.1) : Math.floor(rand() * options.people);
      const person = people[index]!;
      seen.add(person.anonymousId);
      if (person.userId !== null) seen.add(person.userId);
      batch.push(makeEvent(rand, person, serial, batchTime + i * 10, mix));
      serial++;
    }
    const body = JSON.stringify({ batch, sentAt: new Date(batchTime + n * 10 + 250).toISOString() });
    bodies.push(body);
    counts.push(n);
    bytes += Buffer.byteLength(body);
  }
  return { bodies, counts, events: serial, bytes, distinctIds: seen.size, mix };
}
