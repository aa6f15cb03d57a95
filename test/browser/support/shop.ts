import assert from 'node:assert/strict';
import type { BrowserContext, Page, Request } from 'playwright-core';
import type { TestServer } from '../../support/server.js';
import { batchesSent } from './browser.js';

/** "page Product" / "track Product Added": how a test names a message, from the wire or from the timeline. */
export const label = (m: { type: string; event?: string | null; name?: string | null }): string =>
  m.type === 'track' ? `track ${m.event}` : `${m.type}${m.name ? ' ' + m.name : ''}`;

/** The page's fake clock, moved by the test's own steps. */
export class PageTime {
  constructor(private readonly page: Page) {}
  async run(ms: number): Promise<void> {
    await this.page.clock.runFor(ms);
  }
  /** Deliver batches until `count` messages have gone (a timer's messages may leave in the next batch). */
  async deliverAtLeast(count: number): Promise<any[]> {
    const messages: any[] = [];
    while (messages.length < count) messages.push(...(await this.deliver()));
    return messages;
  }

  /** Move the clock past the tracker's batch timer and wait for that batch's (durable) answer. */
  async deliver(runMs = 1_100): Promise<any[]> {
    const answered = this.page.waitForResponse((res) => new URL(res.url()).pathname === '/v1/batch', { timeout: 15_000 });
    await this.run(runMs);
    const response = await answered;
    assert.equal(response.status(), 200, await response.text());
    return JSON.parse(response.request().postData() ?? '{}').batch;
  }
}

/** Wait for a batch the page sends on its own (page hide, back online), without moving the clock. */
export async function nextBatch(page: Page, trigger: () => Promise<unknown>): Promise<any[]> {
  const answered = page.waitForResponse((res) => new URL(res.url()).pathname === '/v1/batch', { timeout: 15_000 });
  await trigger();
  const response = await answered;
  assert.equal(response.status(), 200);
  return JSON.parse(response.request().postData() ?? '{}').batch;
}

/** Pretend the tab was hidden or shown (headless Chromium has no other tab to switch to). */
export function setVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  return page.evaluate((s) => {
    if (s === 'hidden') Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    else delete (document as { visibilityState?: string }).visibilityState;
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

export const trackerKeys = (page: Page): Promise<string[]> =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ct_')));

export const cookies = async (context: BrowserContext): Promise<string[]> => (await context.cookies()).map((c) => c.name);

export const trackingRequests = (requests: Request[]): Request[] => requests.filter((r) => new URL(r.url()).pathname.startsWith('/v1/'));

/** Every message the page sent, oldest first, as labels (a resent message counts once: the server dedups it). */
export function sentLabels(requests: Request[]): string[] {
  const seen = new Map<string, string>();
  for (const body of batchesSent(requests)) for (const m of body.batch) seen.set(m.messageId, label(m));
  return [...seen.values()];
}

/** What the server stored for this visitor (via the admin API), as sorted labels, and the raw events oldest first. */
export async function stored(server: TestServer, anonymousId: string): Promise<{ labels: string[]; events: any[] }> {
  const person = await server.person(`anonymousId=${encodeURIComponent(anonymousId)}`);
  const events = (await server.timeline(person.personId)).reverse();
  return { labels: events.map(label).sort(), events };
}
