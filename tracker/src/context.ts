// The context every message carries (Segment spec "Common fields"): library, page, userAgent, locale,
// timezone and the campaign from the current URL's utm_* parameters (as analytics.js reads them).
import type { Props } from './util.js';

declare const __VERSION__: string;
export const LIBRARY = { name: 'crumbtrail.js', version: __VERSION__ };

/** analytics.js page defaults: path, url, title, referrer, search. `referrer` follows SPA navigations. */
export function pageProps(referrer: string): Props {
  return { path: location.pathname, url: location.href, title: document.title, referrer, search: location.search };
}

export function campaign(): Props | undefined {
  const out: Props = {};
  let found = false;
  new URLSearchParams(location.search).forEach((value, key) => {
    if (key.indexOf('utm_') === 0 && value) {
      const name = key.slice(4);
      out[name === 'campaign' ? 'name' : name] = value;
      found = true;
    }
  });
  return found ? out : undefined;
}

let zone: string | null | undefined;

/** Resolved once: building an Intl.DateTimeFormat on every message costs more than the rest of the context. */
function timezone(): string | null {
  if (zone === undefined) {
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    } catch {
      zone = null; // old engines without Intl time zones
    }
  }
  return zone;
}

export function baseContext(referrer: string): Props {
  const c: Props = {
    library: LIBRARY,
    page: pageProps(referrer),
    userAgent: navigator.userAgent,
    locale: navigator.language,
    screen: { width: screen.width, height: screen.height },
  };
  const zone = timezone();
  if (zone) c.timezone = zone;
  const utm = campaign();
  if (utm) c.campaign = utm;
  return c;
}
