// The context every message carries (Segment spec "Common fields"): library, page, userAgent, locale,
// timezone and the campaign from the landing URL's utm_* parameters.
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

export function baseContext(referrer: string): Props {
  const c: Props = {
    library: LIBRARY,
    page: pageProps(referrer),
    userAgent: navigator.userAgent,
    locale: navigator.language,
    screen: { width: screen.width, height: screen.height },
  };
  try {
    c.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    /* old engines without Intl time zones */
  }
  const utm = campaign();
  if (utm) c.campaign = utm;
  return c;
}
