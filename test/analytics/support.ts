import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Clock } from '../../src/core/clock.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Fixture times are hours after this Monday 00:00 UTC. */
export const T0 = Date.parse('2026-01-05T00:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const at = (hours: number): string => new Date(T0 + hours * HOUR).toISOString();

export interface Who {
  userId?: string;
  anonymousId?: string;
}

const user = (who: string | Who): Who => (typeof who === 'string' ? { userId: who } : who);

/** A track call `hours` after T0 (fractions allowed). */
export function track(who: string | Who, event: string, hours: number, properties: Record<string, unknown> = {}, context: Record<string, unknown> = {}) {
  return { type: 'track', ...user(who), event, properties, context, timestamp: at(hours) };
}

export function page(who: string | Who, hours: number, properties: Record<string, unknown> = {}, context: Record<string, unknown> = {}) {
  return { type: 'page', ...user(who), properties, context, timestamp: at(hours) };
}

export function identify(who: Who, hours: number, traits: Record<string, unknown> = {}) {
  return { type: 'identify', ...who, traits, timestamp: at(hours) };
}

export interface AnalyticsServer {
  server: TestServer;
  /** Send calls in one batch (in the order given, which need not be time order). */
  send(calls: object[]): Promise<void>;
  query<T = any>(kind: string, definition: unknown): Promise<{ status: number; body: T }>;
  /** query() that must succeed. */
  ok<T = any>(kind: string, definition: unknown): Promise<T>;
  dispose(): Promise<void>;
}

export async function analyticsServer(options: { clock?: Clock } = {}): Promise<AnalyticsServer> {
  const server = await startTestServer({ clock: options.clock });
  const query = (kind: string, definition: unknown) => server.adminPost(`/api/query/${kind}`, definition);
  return {
    server,
    async send(calls) {
      for (let i = 0; i < calls.length; i += 200) {
        const res = await server.send('/v1/batch', { batch: calls.slice(i, i + 200) });
        const body = (await res.json()) as { accepted?: number };
        assert.equal(res.status, 200, JSON.stringify(body));
        assert.equal(body.accepted, calls.slice(i, i + 200).length, `every fixture call is accepted: ${JSON.stringify(body)}`);
      }
    },
    query,
    async ok(kind, definition) {
      const res = await query(kind, definition);
      assert.equal(res.status, 200, `${kind}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    dispose: () => server.dispose(),
  };
}

/**
 * An analytics server for one describe block, holding `calls` (sent once, before its tests) and disposed after
 * them. The returned object forwards to the server its `before` hook starts.
 */
export function serveFixture(calls: object[], options: { clock?: Clock } = {}): AnalyticsServer {
  let live: AnalyticsServer | undefined;
  before(async () => {
    live = await analyticsServer(options);
    await live.send(calls);
  });
  after(() => live?.dispose());
  const started = (): AnalyticsServer => {
    if (!live) throw new Error('serveFixture: the server starts in the describe block\'s before hook');
    return live;
  };
  return {
    get server() {
      return started().server;
    },
    send: (more) => started().send(more),
    query: (kind, definition) => started().query(kind, definition),
    ok: (kind, definition) => started().ok(kind, definition),
    dispose: () => started().dispose(),
  };
}

/** Step counts of a funnel-shaped result. */
export const counts = (steps: { count: number }[]): number[] => steps.map((s) => s.count);
