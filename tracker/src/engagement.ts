// Time on page as visible, active time (EVENTS.md "Page Engagement"). A stretch of activity starts on load,
// on input or when the page becomes visible, and ends when the page is hidden or IDLE_MS after the last input.
// Time is folded into `engagedMs` lazily (no ticking timer), so an idle page costs nothing and the count is
// exact whatever the timer throttling of background tabs.
import { IDLE_MS } from './limits.js';
import { now, uuid, type Props } from './util.js';

export interface PageView {
  id: string;
  path: string;
  url: string;
}

let view: PageView | undefined;
let engagedMs = 0;
let activeSince = 0;
let lastInput = 0;
let maxScroll = 0;

const visible = (): boolean => document.visibilityState !== 'hidden';

/** Fold the time since the last fold into engagedMs; stop counting when idle or hidden. */
function fold(): void {
  const t = now();
  if (activeSince) {
    const end = Math.min(t, lastInput + IDLE_MS);
    if (end > activeSince) engagedMs += end - activeSince;
    activeSince = visible() && t < lastInput + IDLE_MS ? t : 0;
  }
}

export function noteActivity(): void {
  fold();
  lastInput = now();
  if (!activeSince && visible()) activeSince = lastInput;
}

export function noteHidden(): void {
  fold();
  activeSince = 0;
}

export function noteScroll(): void {
  const doc = document.documentElement;
  const height = Math.max(doc.scrollHeight, 1);
  const seen = Math.round(((window.scrollY + window.innerHeight) / height) * 100);
  maxScroll = Math.max(maxScroll, Math.min(100, seen));
}

export function startPageView(): void {
  view = { id: uuid(), path: location.pathname, url: location.href };
  engagedMs = 0;
  maxScroll = 0;
  activeSince = 0;
  noteActivity();
  noteScroll();
}

/** The Page Engagement properties since the last report (engaged_ms is a delta), or nothing to report. */
export function takeEngagement(final: boolean): Props | undefined {
  if (!view) return undefined;
  fold();
  const ms = Math.round(engagedMs);
  const current = view;
  engagedMs = 0;
  if (final) view = undefined;
  if (!ms && !final) return undefined;
  return { page_view_id: current.id, path: current.path, url: current.url, engaged_ms: ms, scroll_depth: maxScroll, final };
}
