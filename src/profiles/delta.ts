import type { PreparedEvent } from '../core/events.js';
import type { ProfileDelta } from '../store/state-store/port.js';

/** The name an event is counted under on the profile: track events by name, other calls as `$page`, … */
export function countedEventName(event: PreparedEvent): string {
  return event.type === 'track' ? (event.event ?? '$track') : `$${event.type}`;
}

/** The context a profile keeps from a person's latest event: used later for quiet hours, locale, attribution. */
export function profileContext(e: PreparedEvent): Record<string, unknown> | null {
  const context: Record<string, unknown> = {
    timezone: e.timezone,
    locale: e.locale,
    country: e.country,
    city: e.city,
    userAgent: e.userAgent,
    browser: e.browser,
    os: e.os,
    deviceType: e.deviceType,
    utmSource: e.utmSource,
    utmMedium: e.utmMedium,
    utmCampaign: e.utmCampaign,
  };
  for (const key of Object.keys(context)) if (context[key] === null) delete context[key];
  return Object.keys(context).length > 0 ? context : null;
}

function firstTouch(e: PreparedEvent): Record<string, unknown> | null {
  if (e.utmSource === null && e.referrer === null && e.utmCampaign === null) return null;
  return {
    utmSource: e.utmSource,
    utmMedium: e.utmMedium,
    utmCampaign: e.utmCampaign,
    utmTerm: e.utmTerm,
    utmContent: e.utmContent,
    referrer: e.referrer,
    url: e.url,
    at: e.timestamp,
  };
}

/** Reduce a batch to one delta per (final) person. */
export function profileDeltas(events: PreparedEvent[], personIds: string[]): ProfileDelta[] {
  const byPerson = new Map<string, ProfileDelta>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const personId = personIds[i]!;
    let delta = byPerson.get(personId);
    if (!delta) {
      delta = {
        personId,
        firstSeen: e.timestamp,
        lastSeen: e.timestamp,
        traits: {},
        context: null,
        contextAt: 0,
        firstTouch: null,
        eventCounts: {},
      };
      byPerson.set(personId, delta);
    }
    delta.firstSeen = Math.min(delta.firstSeen, e.timestamp);
    delta.lastSeen = Math.max(delta.lastSeen, e.timestamp);
    if (e.type === 'identify') Object.assign(delta.traits, e.traits);
    const context = profileContext(e);
    if (context && e.timestamp >= delta.contextAt) {
      delta.context = context;
      delta.contextAt = e.timestamp;
    }
    const touch = firstTouch(e);
    if (touch && (delta.firstTouch === null || e.timestamp < (delta.firstTouch.at as number))) delta.firstTouch = touch;
    const name = countedEventName(e);
    delta.eventCounts[name] = (delta.eventCounts[name] ?? 0) + 1;
  }
  return [...byPerson.values()];
}
