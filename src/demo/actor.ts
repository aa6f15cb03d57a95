import type { Region } from './catalogue.js';
import type { Rng } from './random.js';
import type { Timeline } from './timeline.js';

/** Sent as context.library on every demo event, so demo data is easy to tell apart (and to delete). */
export const DEMO_LIBRARY = { name: 'crumbtrail-demo', version: '1' } as const;

/** One browser or phone: its anonymousId, and the userId it is logged in as (null until sign-up or login). */
export interface Device {
  anonymousId: string;
  userAgent: string;
  userId: string | null;
}

/** Someone who leaves events: a customer or an anonymous visitor, with their own random stream and ids. */
export class Actor {
  private sent = 0;

  constructor(
    readonly timeline: Timeline,
    readonly rng: Rng,
    readonly region: Region,
    /** `demo-<run>-<actor>`; messageIds are this plus a counter, so they follow from the seed alone. */
    private readonly idPrefix: string,
    readonly userId: string | null,
  ) {}

  nextMessageId(): string {
    return `${this.idPrefix}-${(this.sent++).toString(36)}`;
  }

  /** A backend event (renewals, ticket updates, refunds, social listening): userId only, no session. */
  server(at: number, event: string, properties: Record<string, unknown>): void {
    if (this.userId === null) throw new Error('demo: a server event needs a known customer');
    this.timeline.emit(at, {
      type: 'track',
      event,
      userId: this.userId,
      properties,
      context: { library: DEMO_LIBRARY },
      timestamp: new Date(at).toISOString(),
      messageId: this.nextMessageId(),
    });
  }
}
