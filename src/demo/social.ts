import type { Actor } from './actor.js';
import { SOCIAL_NETWORKS, SOCIAL_TEXTS } from './catalogue.js';
import { DAY } from '../core/units.js';
import { type CustomerPlan } from './customers.js';

/**
 * Social Mention (backend, from social listening, matched to the customer): text in the customer's language
 * (English or Japanese) with its sentiment. Customers with a planted problem complain shortly after it;
 * the others post something positive or neutral.
 */
export function scheduleSocial(actor: Actor, customer: CustomerPlan): void {
  const { timeline, rng } = actor;
  const language = customer.region.language;
  const post = (at: number, tone: 'positive' | 'neutral' | 'negative') => {
    timeline.schedule(at, () => {
      const { text, sentiment } = rng.pick(SOCIAL_TEXTS[language][tone]);
      const network = rng.pick(SOCIAL_NETWORKS);
      actor.server(at, 'Social Mention', { network, text, language, sentiment, url: `https://${network}.example/post/${rng.hex(12)}` });
    });
  };

  const sub = customer.subscription;
  const trouble = sub?.billingFailureAt ?? sub?.badTicketAt ?? null;
  if (trouble !== null && rng.chance(0.5)) post(trouble + Math.floor(rng.between(0.2, 5) * DAY), 'negative');
  if (!customer.postsOnSocial) return;
  const posts = rng.int(1, 2);
  for (let i = 0; i < posts; i++) {
    const at = Math.floor(rng.between(customer.signupAt, Math.min(customer.aliveUntil, timeline.endMs)));
    post(at, rng.chance(0.65) ? 'positive' : 'neutral');
  }
}
