import type { Actor, Device } from './actor.js';
import { CANCEL_REASONS, CURRENCY } from './catalogue.js';
import { DAY } from '../core/units.js';
import { type SubscriptionPlan } from './customers.js';
import { Visit } from './sessions.js';

/**
 * The membership's events: Subscription Started in a visit to /club, a Payment Succeeded every 30 days (backend),
 * the planted billing failure (Payment Failed; a retry succeeds unless the member is going to leave), and the
 * cancel in a visit to the account page, with a stated reason that says nothing about the hidden cause.
 */
const CYCLE = 30 * DAY;

export function scheduleSubscription(actor: Actor, device: () => Device, sub: SubscriptionPlan): void {
  const { timeline, rng } = actor;
  const props = { plan: sub.plan, price: sub.price, currency: CURRENCY };
  const endOfLife = sub.cancelAt ?? timeline.endMs;
  // Lost members stop paying at the failure: no renewals between a final failure and the cancel.
  const paysUntil = sub.cause === 'billing' && sub.billingFailureAt !== null ? sub.billingFailureAt : endOfLife;

  timeline.schedule(sub.startAt, () => {
    const visit = new Visit(actor, device(), sub.startAt);
    visit.page({ name: 'Club', path: '/club', title: 'Crumb Club membership' }, rng.logNormal(40_000, 0.5), ({ end }) => {
      visit.track(end - 1000, 'Subscription Started', props);
    });
    actor.server(visit.t, 'Payment Succeeded', { amount: sub.price, currency: CURRENCY, plan: sub.plan });
  });

  for (let at = sub.startAt + CYCLE; at < paysUntil; at += CYCLE) {
    // The billing failure replaces the renewal nearest to it.
    if (sub.billingFailureAt !== null && Math.abs(at - sub.billingFailureAt) < CYCLE / 2) continue;
    const renewal = at;
    timeline.schedule(renewal, () => actor.server(renewal, 'Payment Succeeded', { amount: sub.price, currency: CURRENCY, plan: sub.plan }));
  }

  if (sub.billingFailureAt !== null) {
    const failedAt = sub.billingFailureAt;
    const lost = sub.cause === 'billing';
    timeline.schedule(failedAt, () => {
      const failure = { amount: sub.price, currency: CURRENCY, plan: sub.plan, reason: rng.pick(['card_declined', 'expired_card', 'insufficient_funds']) };
      actor.server(failedAt, 'Payment Failed', failure);
      // Dunning: a retry three days later fails again for members who will leave, succeeds for the others.
      const retry = failedAt + 3 * DAY;
      if (lost) {
        if (sub.cancelAt === null || retry < sub.cancelAt) actor.server(retry, 'Payment Failed', { ...failure, attempt: 2 });
      } else actor.server(retry, 'Payment Succeeded', { amount: sub.price, currency: CURRENCY, plan: sub.plan });
    });
  }

  if (sub.cancelAt !== null) {
    const cancelAt = sub.cancelAt;
    timeline.schedule(cancelAt, () => {
      const visit = new Visit(actor, device(), cancelAt);
      visit.page({ name: 'Account', path: '/account/membership', title: 'Your membership' }, rng.logNormal(45_000, 0.5), ({ end }) => {
        visit.track(end - 1000, 'Subscription Cancelled', { plan: sub.plan, reason: rng.pick(CANCEL_REASONS) });
      });
    });
  }
}
