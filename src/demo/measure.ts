import { median, ratio } from '../analytics/kinds/kind.js';
import { DAY, HOUR } from '../core/units.js';
import { PRODUCTS } from './catalogue.js';
import { planDemo, type DemoEvent, type DemoOptions } from './generate.js';
import { DEFINITIONS, DESIGN } from './planted.js';

/**
 * Measures the planted effects from events alone (no hidden plan), the way docs/demo-data.md defines them.
 * PLANTED in planted.ts holds this function's output for the default run; the demo tests run it on small
 * populations and compare. Only events that carry a userId count towards per-customer effects.
 */

export interface Measured {
  customers: number;
  subscribers: number;
  churners: number;
  churn: {
    billing: { churnersShare: number; retainedShare: number };
    support: { churnersShare: number; retainedShare: number };
    onboarding: { churnersShare: number; retainedShare: number; medianHours: number; slowChurnRate: number; fastChurnRate: number };
    churnRate: number;
  };
  cartAbandonmentRate: number;
  dwellTrap: { productId: string; medianEngagedMs: number; otherProductsMedianEngagedMs: number; viewToCartRate: number; otherProductsViewToCartRate: number };
  activation: { activatedRetention: number; notActivatedRetention: number; activatedShare: number };
}

interface Person {
  signedUpAt?: number;
  onboardedAt?: number;
  subscribed: boolean;
  cancelledAt?: number;
  firstOrderAt?: number;
  paymentFailures: number[];
  ticketsOpened: Map<string, number>;
  badTickets: Set<string>;
  pageViews: number[];
}

const TRAP_PATH = `/p/${PRODUCTS.find((p) => p.id === DESIGN.dwellTrap.productId)!.slug}`;

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export class EffectMeter {
  private readonly people = new Map<string, Person>();
  private readonly cartsAdded = new Set<string>();
  private readonly cartsOrdered = new Set<string>();
  private readonly engaged = { trap: [] as number[], other: [] as number[] };
  private readonly views = { trap: 0, other: 0 };
  private readonly adds = { trap: 0, other: 0 };

  constructor(private readonly endMs: number) {}

  private person(userId: string): Person {
    let p = this.people.get(userId);
    if (!p) {
      p = { subscribed: false, paymentFailures: [], ticketsOpened: new Map(), badTickets: new Set(), pageViews: [] };
      this.people.set(userId, p);
    }
    return p;
  }

  add(event: Record<string, unknown>): void {
    const at = Date.parse(event.timestamp as string);
    const props = (event.properties ?? {}) as Record<string, unknown>;
    const name = event.event as string | undefined;
    if (name === 'Product Added') this.cartsAdded.add(props.cart_id as string);
    if (name === 'Order Completed') this.cartsOrdered.add(props.cart_id as string);
    if (name === 'Product Viewed' || name === 'Product Added') {
      const kind = props.product_id === DESIGN.dwellTrap.productId ? 'trap' : 'other';
      (name === 'Product Viewed' ? this.views : this.adds)[kind]++;
    }
    if (name === 'Page Engagement' && typeof props.path === 'string' && props.path.startsWith('/p/')) {
      this.engaged[props.path === TRAP_PATH ? 'trap' : 'other'].push(props.engaged_ms as number);
    }

    const userId = event.userId as string | undefined;
    if (userId === undefined) return;
    const p = this.person(userId);
    if (event.type === 'page') p.pageViews.push(at);
    switch (name) {
      case 'Signed Up': p.signedUpAt = at; break;
      case 'Onboarding Completed': p.onboardedAt ??= at; break;
      case 'Subscription Started': p.subscribed = true; break;
      case 'Subscription Cancelled': p.cancelledAt = at; break;
      case 'Order Completed': p.firstOrderAt ??= at; break;
      case 'Payment Failed': p.paymentFailures.push(at); break;
      case 'Ticket Opened': p.ticketsOpened.set(props.ticket_id as string, at); break;
      case 'Ticket Resolved':
        if ((props.csat as number) <= DEFINITIONS.lowCsat || (props.resolution_hours as number) >= DEFINITIONS.longResolutionHours) p.badTickets.add(props.ticket_id as string);
        break;
    }
  }

  result(): Measured {
    const inWindow = (at: number, ref: number) => at <= ref && at > ref - DEFINITIONS.windowMs;
    const customers = [...this.people.values()].filter((p) => p.signedUpAt !== undefined);
    const durations = customers.filter((p) => p.onboardedAt !== undefined).map((p) => p.onboardedAt! - p.signedUpAt!);
    const medianMs = median(durations) ?? 0;
    const slow = (p: Person) => p.onboardedAt === undefined || p.onboardedAt - p.signedUpAt! >= DEFINITIONS.slowOnboardingFactor * medianMs;

    const subscribers = customers.filter((p) => p.subscribed);
    const churners = subscribers.filter((p) => p.cancelledAt !== undefined);
    const retained = subscribers.filter((p) => p.cancelledAt === undefined);
    const ref = (p: Person) => p.cancelledAt ?? this.endMs;
    const billing = (p: Person) => p.paymentFailures.some((at) => inWindow(at, ref(p)));
    const support = (p: Person) => [...p.badTickets].some((id) => inWindow(p.ticketsOpened.get(id) ?? -Infinity, ref(p)));
    const shares = (signal: (p: Person) => boolean) => ({
      churnersShare: round(ratio(churners.filter(signal).length, churners.length)),
      retainedShare: round(ratio(retained.filter(signal).length, retained.length)),
    });
    const slowSubs = subscribers.filter(slow);
    const fastSubs = subscribers.filter((p) => !slow(p));

    // Activation: those who signed up at least 90 days before the end, so the retention window is complete.
    const cohort = customers.filter((p) => p.signedUpAt! <= this.endMs - DEFINITIONS.retentionToDays * DAY);
    const activated = (p: Person) => p.firstOrderAt !== undefined && p.firstOrderAt - p.signedUpAt! <= DEFINITIONS.activationDays * DAY;
    const kept = (p: Person) =>
      p.pageViews.some((at) => at >= p.signedUpAt! + DEFINITIONS.retentionFromDays * DAY && at < p.signedUpAt! + DEFINITIONS.retentionToDays * DAY);
    const act = cohort.filter(activated);
    const notAct = cohort.filter((p) => !activated(p));

    let abandoned = 0;
    for (const cart of this.cartsAdded) if (!this.cartsOrdered.has(cart)) abandoned++;

    return {
      customers: customers.length,
      subscribers: subscribers.length,
      churners: churners.length,
      churn: {
        billing: shares(billing),
        support: shares(support),
        onboarding: {
          ...shares(slow),
          medianHours: round(medianMs / HOUR, 1),
          slowChurnRate: round(ratio(slowSubs.filter((p) => p.cancelledAt !== undefined).length, slowSubs.length)),
          fastChurnRate: round(ratio(fastSubs.filter((p) => p.cancelledAt !== undefined).length, fastSubs.length)),
        },
        churnRate: round(ratio(churners.length, subscribers.length)),
      },
      cartAbandonmentRate: round(ratio(abandoned, this.cartsAdded.size)),
      dwellTrap: {
        productId: DESIGN.dwellTrap.productId,
        medianEngagedMs: Math.round(median(this.engaged.trap) ?? 0),
        otherProductsMedianEngagedMs: Math.round(median(this.engaged.other) ?? 0),
        viewToCartRate: round(ratio(this.adds.trap, this.views.trap), 4),
        otherProductsViewToCartRate: round(ratio(this.adds.other, this.views.other)),
      },
      activation: {
        activatedRetention: round(ratio(act.filter(kept).length, act.length)),
        notActivatedRetention: round(ratio(notAct.filter(kept).length, notAct.length)),
        activatedShare: round(ratio(act.length, cohort.length)),
      },
    };
  }
}

/** Measure a whole stream of events (each a Segment event with an ISO timestamp). */
export function measureEffects(events: Iterable<Record<string, unknown>>, endMs: number): Measured {
  const meter = new EffectMeter(endMs);
  for (const event of events) meter.add(event);
  return meter.result();
}

/** Generate a history and measure it (how PLANTED was made: measureDemo({ customers: 5000, days: 365, seed: 42, endMs })). */
export function measureDemo(options: DemoOptions): Measured {
  return measureEffects(eventsOf(planDemo(options).events), options.endMs);
}

function* eventsOf(demoEvents: Iterable<DemoEvent>): Generator<Record<string, unknown>> {
  for (const { event } of demoEvents) yield event;
}
