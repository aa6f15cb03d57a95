import type { IdentityFacts } from '../core/events.js';
import type { ProfileDelta } from '../store/state-store/port.js';

/**
 * Reduce a batch to the trait changes of its identify calls, one delta per (final) person; persons without
 * identify calls in the batch have nothing to write (their activity lives in the event log).
 */
export function profileDeltas(events: readonly IdentityFacts[], personIds: string[]): ProfileDelta[] {
  const byPerson = new Map<string, ProfileDelta>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.type !== 'identify' || Object.keys(e.traits).length === 0) continue;
    const personId = personIds[i]!;
    const delta = byPerson.get(personId) ?? { personId, traits: {} };
    Object.assign(delta.traits, e.traits);
    byPerson.set(personId, delta);
  }
  return [...byPerson.values()];
}
