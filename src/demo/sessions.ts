import { DEMO_LIBRARY, type Actor, type Device } from './actor.js';
import { SHOP_URL, type Channel } from './catalogue.js';

/** What a page view is: the page call's name and path, and how long it is looked at. */
export interface PageSpec {
  name: string;
  path: string;
  title: string;
  category?: string;
}

/** How a session arrived: the landing page's UTM campaign (context.campaign) and referrer. */
export interface Arrival {
  campaign: Channel['campaign'];
  referrer: string;
}

const DIRECT: Arrival = { campaign: null, referrer: '' };

/**
 * One browser session (EVENTS.md "Sessions"): context.sessionId is the epoch ms of its start,
 * context.sessionStart is true on its first event. Page views are a page call, the page's own tracks, and a
 * final Page Engagement with the active milliseconds; the gaps between pages stay far below the 30 min idle
 * limit, so the tracker's own sessionisation would agree.
 */
export class Visit {
  readonly sessionId: number;
  /** The clock of the session: when the next page view starts. */
  t: number;
  private first = true;
  private pageViews = 0;
  private previousUrl: string;
  private currentPage: Record<string, unknown> | null = null;

  constructor(
    readonly actor: Actor,
    readonly device: Device,
    start: number,
    private readonly arrival: Arrival = DIRECT,
  ) {
    this.sessionId = start;
    this.t = start;
    this.previousUrl = arrival.referrer;
  }

  private context(campaign: boolean): Record<string, unknown> {
    const context: Record<string, unknown> = {
      library: DEMO_LIBRARY,
      sessionId: this.sessionId,
      userAgent: this.device.userAgent,
      locale: this.actor.region.locale,
      timezone: this.actor.region.timezone,
    };
    if (this.first) context.sessionStart = true;
    this.first = false;
    if (this.currentPage) context.page = this.currentPage;
    if (campaign && this.arrival.campaign) context.campaign = this.arrival.campaign;
    return context;
  }

  private send(at: number, call: Record<string, unknown>, campaign = false): void {
    const ids: Record<string, unknown> = { anonymousId: this.device.anonymousId };
    if (this.device.userId !== null) ids.userId = this.device.userId;
    this.actor.timeline.emit(at, {
      ...call,
      ...ids,
      context: this.context(campaign),
      timestamp: new Date(at).toISOString(),
      messageId: this.actor.nextMessageId(),
    });
  }

  /**
   * A page view lasting about `engagedMs` of active time. `during(at)` may send the page's own tracks
   * (Product Viewed, Product Added…) at times after `at`, within the view.
   */
  page(spec: PageSpec, engagedMs: number, during?: (view: { start: number; end: number }) => void): void {
    const rng = this.actor.rng;
    const start = this.t;
    const landing = this.pageViews === 0;
    const query = landing && this.arrival.campaign
      ? `?utm_source=${this.arrival.campaign.source}&utm_medium=${this.arrival.campaign.medium}&utm_campaign=${this.arrival.campaign.name}`
      : '';
    const url = `${SHOP_URL}${spec.path}${query}`;
    const page = { path: spec.path, url, title: spec.title, referrer: this.previousUrl, search: query };
    this.currentPage = page;
    this.send(start, { type: 'page', name: spec.name, ...(spec.category ? { category: spec.category } : {}), properties: page }, landing);
    const pageViewId = `pv-${rng.hex(16)}`;
    const engaged = Math.max(500, Math.round(engagedMs));
    // Wall time on the page is the active time plus some hidden/idle time (another tab, a phone call).
    const end = start + Math.round(engaged * rng.between(1, 1.3));
    during?.({ start, end });
    this.send(
      end,
      {
        type: 'track',
        event: 'Page Engagement',
        properties: { page_view_id: pageViewId, path: spec.path, url, engaged_ms: engaged, scroll_depth: Math.min(100, Math.round(20 + rng.uniform() * 80)), final: true },
      },
      landing,
    );
    this.pageViews++;
    this.previousUrl = url;
    this.t = end + Math.round(rng.between(300, 4000));
  }

  /** A track call in this session at `at` (inside the current page view). */
  track(at: number, event: string, properties: Record<string, unknown>): void {
    this.send(at, { type: 'track', event, properties });
  }

  /** identify at sign-up or login on this device: the anonymous id joins the customer (a merge, if it browsed before). */
  identify(at: number, userId: string, traits: Record<string, unknown>): void {
    this.device.userId = userId;
    this.send(at, { type: 'identify', traits });
  }
}
