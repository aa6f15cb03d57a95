import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { EventStore } from '../store/event-store/port.js';
import type { ComputedTraitsRow, StateStore } from '../store/state-store/port.js';
import { computeCartAbandonmentTraits } from './kinds/cart-abandonment.js';
import { computeChurnSignalTraits } from './kinds/churn-signals.js';
import { computeLifecycleTraits } from './kinds/lifecycle.js';
import { computeOnboardingTraits } from './kinds/onboarding.js';
import type { QueryContext } from './kinds/kind.js';
import { queryContext } from './run-query.js';

export interface TraitsRefresh {
  at: string;
  /** People written, per computed trait source. */
  written: Record<string, number>;
  /** Sources that failed (the others are still written). */
  failed: Record<string, string>;
}

type TraitSource = (ctx: QueryContext) => Promise<ComputedTraitsRow[]>;

/**
 * Writes the analyses' per-person answers onto profiles as computed traits (lifecycleStage, churnSignals,
 * onboardingSeconds/slowOnboarding, abandonedCart…), on the scheduler and on demand. Each source runs with its
 * documented defaults; one failing source does not stop the others.
 */
export class AnalyticsTraits {
  private readonly sources = new Map<string, TraitSource>();
  private last: TraitsRefresh | null = null;

  constructor(private readonly deps: { events: EventStore; state: StateStore; clock: Clock; logger: Logger }) {
    this.sources.set('lifecycleStage', (ctx) => computeLifecycleTraits(ctx, {}));
    this.sources.set('churnSignals', (ctx) => computeChurnSignalTraits(ctx));
    // The demo and most shops start setup at sign-up (EVENTS: Signed Up → Onboarding Completed).
    this.sources.set('onboarding', (ctx) => computeOnboardingTraits(ctx, { start: { event: 'Signed Up' }, completion: { event: 'Onboarding Completed' } }));
    // For cart reminders (the journeys issue): the open abandoned cart and its value.
    this.sources.set('abandonedCart', (ctx) => computeCartAbandonmentTraits(ctx, {}));
  }

  lastRefresh(): TraitsRefresh | null {
    return this.last;
  }

  async refresh(): Promise<TraitsRefresh> {
    const ctx = queryContext(this.deps.events.analytics, this.deps.clock);
    const at = this.deps.clock.now();
    const result: TraitsRefresh = { at: new Date(at).toISOString(), written: {}, failed: {} };
    for (const [name, source] of this.sources) {
      try {
        const rows = await source(ctx);
        await this.deps.state.setComputedTraits(rows, at); // one transaction; the stores batch statements themselves
        result.written[name] = rows.length;
      } catch (error) {
        result.failed[name] = (error as Error).message;
        this.deps.logger.error({ err: error, source: name }, 'computed traits refresh failed');
      }
    }
    this.last = result;
    return result;
  }
}
