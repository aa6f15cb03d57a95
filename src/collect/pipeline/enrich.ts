import { isbot } from 'isbot';
import UAParser from 'ua-parser-js';
import type { EventEnrichment } from '../../core/events.js';

/** Offline IP → place lookup (a MaxMind/DB-IP .mmdb file, see src/collect/geoip.ts); null when unknown. */
export type GeoLookup = (ip: string) => { country: string | null; city: string | null } | null;

interface ParsedAgent {
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  isBot: boolean;
}

const AGENT_CACHE_SIZE = 2_000;
const agentCache = new Map<string, ParsedAgent>();

/** Parsing a user agent costs ~20 µs; a shop's traffic repeats a few hundred agents, so they are cached. */
function parseAgent(userAgent: string): ParsedAgent {
  const cached = agentCache.get(userAgent);
  if (cached) return cached;
  const ua = new UAParser(userAgent);
  const bot = isbot(userAgent);
  const parsed: ParsedAgent = {
    browser: ua.getBrowser().name ?? null,
    os: ua.getOS().name ?? null,
    deviceType: bot ? 'bot' : (ua.getDevice().type ?? 'desktop'),
    isBot: bot,
  };
  if (agentCache.size >= AGENT_CACHE_SIZE) agentCache.delete(agentCache.keys().next().value!);
  agentCache.set(userAgent, parsed);
  return parsed;
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, 2048) : typeof value === 'number' ? String(value) : null;

const asObject = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

function utmFromUrl(url: string | null): Record<string, string> {
  if (url === null || !url.includes('utm_')) return {};
  try {
    const params = new URL(url).searchParams;
    const out: Record<string, string> = {};
    for (const key of ['source', 'medium', 'campaign', 'term', 'content']) {
      const value = params.get(`utm_${key}`);
      if (value) out[key === 'campaign' ? 'name' : key] = value;
    }
    return out;
  } catch {
    return {};
  }
}

/**
 * Derive the columns the profile and later analyses need from the event's context: page, UTM campaign
 * (context.campaign, else the page URL's utm_* parameters), device from the user agent, bot flag, and place
 * from the IP when an offline geo database is configured.
 */
export function enrich(
  context: Record<string, unknown>,
  properties: Record<string, unknown>,
  requestIp: string | null,
  geo: GeoLookup | null,
): EventEnrichment {
  const page = asObject(context.page);
  const url = text(page.url) ?? text(properties.url);
  const campaign = { ...utmFromUrl(url), ...asObject(context.campaign) };
  const userAgent = text(context.userAgent);
  const agent = userAgent === null ? null : parseAgent(userAgent);
  // Segment fills context.ip from the request. Only for browser-originated calls here (they carry a user agent):
  // a server SDK's request IP is the shop's own server, which would place every customer in its data centre.
  const ip = text(context.ip) ?? (userAgent !== null ? requestIp : null);
  const place = ip !== null && geo !== null ? geo(ip) : null;
  return {
    timezone: text(context.timezone),
    locale: text(context.locale),
    ip,
    country: place?.country ?? null,
    city: place?.city ?? null,
    userAgent,
    browser: agent?.browser ?? null,
    os: agent?.os ?? null,
    deviceType: agent?.deviceType ?? null,
    isBot: agent?.isBot ?? false,
    utmSource: text(campaign.source),
    utmMedium: text(campaign.medium),
    utmCampaign: text(campaign.name),
    utmTerm: text(campaign.term),
    utmContent: text(campaign.content),
    url,
    path: text(page.path) ?? text(properties.path),
    referrer: text(page.referrer) ?? text(properties.referrer),
    title: text(page.title) ?? text(properties.title),
    sessionId: text(context.sessionId),
  };
}
