// What the tracker records without being asked: page views on load and on SPA history changes, engagement on
// hide/navigation, outbound link clicks, and opt-in element clicks (data-crumb-event="Name" plus
// data-crumb-* properties).
import { noteActivity, noteHidden, noteScroll } from './engagement.js';
import { safe, type Props } from './util.js';

export interface AutotrackHooks {
  /** The URL changed: through history.pushState/replaceState (fromApp) or the back/forward buttons. */
  navigated(fromApp: boolean): void;
  /** The page is hidden (tab switch, minimise) or being unloaded (final = true). */
  hidden(final: boolean): void;
  shown(restored: boolean): void;
  online(): void;
  track(event: string, props: Props): void;
}

/** data-crumb-product-id="p1" → product_id: "p1"; numbers stay numbers. */
function attributeProps(el: Element): Props {
  const props: Props = {};
  for (const attr of Array.from(el.attributes)) {
    const name = attr.name;
    if (name.indexOf('data-crumb-') !== 0 || name === 'data-crumb-event') continue;
    const value = attr.value;
    props[name.slice(11).replace(/-/g, '_')] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return props;
}

function onClick(event: Event, hooks: AutotrackHooks): void {
  const target = event.target;
  if (!(target instanceof Element)) return;
  const tagged = target.closest('[data-crumb-event]');
  if (tagged) hooks.track(tagged.getAttribute('data-crumb-event')!, attributeProps(tagged));
  const link = target.closest('a[href]') as HTMLAnchorElement | null;
  if (link && !tagged && /^https?:$/.test(link.protocol) && link.host !== location.host) {
    hooks.track('Outbound Link Clicked', { href: link.href, text: (link.textContent || '').trim().slice(0, 200) });
  }
}

export function installAutotrack(hooks: AutotrackHooks, trackHistory: boolean): void {
  const on = (target: EventTarget, type: string, fn: (e: Event) => void) =>
    target.addEventListener(type, safe(fn), { capture: true, passive: true });

  for (const type of ['mousedown', 'mousemove', 'keydown', 'touchstart', 'wheel']) on(window, type, noteActivity);
  on(window, 'scroll', () => {
    noteActivity();
    noteScroll();
  });
  on(document, 'click', (e) => onClick(e, hooks));
  on(document, 'visibilitychange', () => {
    if (document.visibilityState === 'hidden') {
      noteHidden();
      hooks.hidden(false);
    } else {
      noteActivity();
      hooks.shown(false);
    }
  });
  on(window, 'pagehide', () => hooks.hidden(true));
  on(window, 'pageshow', (e) => (e as PageTransitionEvent).persisted && hooks.shown(true));
  on(window, 'online', hooks.online);

  if (!trackHistory) return;
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      safe(hooks.navigated)(true);
      return result;
    };
  }
  on(window, 'popstate', () => hooks.navigated(false));
}
