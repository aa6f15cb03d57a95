// crumbtrail.js: the browser tracker. Segment-compatible API on window.crumbtrail; see docs/tracker.md.
// Boot: read the snippet's stub (calls made before this script loaded, plus load() options), install the
// automatic tracking, replay the stub's calls, send the first page view.
import { installAutotrack } from './autotrack.js';
import { initialConsent, type ConsentState } from './consent.js';
import { baseContext, LIBRARY, pageProps } from './context.js';
import { configureDelivery, disableDelivery, enableDelivery, enqueue, flush, flushOnHide, queuedCount, type Message } from './delivery.js';
import { ecommerceHelpers } from './ecommerce.js';
import { startPageView, takeEngagement } from './engagement.js';
import { HELD_MAX } from './limits.js';
import { currentSessionId, forgetIds, getAnonymousId, getUserId, persistIds, sessionAt, setUserId } from './ids.js';
import { allowStorage, clearAll, write } from './storage.js';
import { iso, isObject, now, safe, uuid, warn, type Props } from './util.js';

interface Options {
  writeKey?: string;
  host?: string;
  requireConsent?: boolean;
  honorPrivacySignals?: boolean;
  autoPage?: boolean;
  trackHistory?: boolean;
}

type Stub = unknown[] & { _writeKey?: string; _options?: Options; __crumbtrail?: boolean };

const win = window as unknown as { crumbtrail?: Stub };

function readOptions(stub: Stub | undefined): Required<Options> {
  const script = document.currentScript as HTMLScriptElement | null;
  const data = script ? script.dataset : ({} as DOMStringMap);
  const o: Options = (stub && stub._options) || {};
  const flag = (value: boolean | undefined, attr: string | undefined, fallback: boolean) =>
    value !== undefined ? value : attr !== undefined ? attr !== 'false' : fallback;
  return {
    writeKey: (stub && stub._writeKey) || o.writeKey || data.writeKey || '',
    host: o.host || data.host || (script && script.src ? new URL(script.src).origin : location.origin),
    requireConsent: flag(o.requireConsent, data.requireConsent, false),
    honorPrivacySignals: flag(o.honorPrivacySignals, data.honorPrivacySignals, false),
    autoPage: flag(o.autoPage, data.autoPage, true),
    trackHistory: flag(o.trackHistory, data.trackHistory, true),
  };
}

function boot(): void {
  const stub = win.crumbtrail;
  if (stub && stub.__crumbtrail) return; // loaded twice: the first copy stays in charge
  const options = readOptions(stub);
  configureDelivery(options.host, options.writeKey);

  let consent: ConsentState = initialConsent(options.requireConsent, options.honorPrivacySignals);
  const lockedBySignal = consent === 'denied';
  let held: Message[] = [];
  let referrer = document.referrer;
  let lastUrl = location.href;
  /** A page view is a new path or query; hash changes (in-page anchors) are not. */
  const pageKey = () => location.pathname + location.search;
  let lastKey = pageKey();
  let pageCalled = false;
  const listeners: ((message: Message) => void)[] = [];

  /** Give a message its identifiers and session, then queue it for delivery. Only ever runs with consent. */
  function stamp(message: Message): void {
    message.anonymousId = getAnonymousId();
    const context = message.context as Props;
    const session = sessionAt(Date.parse(message.timestamp as string));
    context.sessionId = session.sessionId;
    if (session.sessionStart) context.sessionStart = true;
    enqueue(message);
    for (const fn of listeners) safe(fn)(message);
  }

  function emit(type: string, fields: Props): void {
    if (consent === 'denied') return;
    const message: Message = { type, messageId: uuid(), timestamp: iso(now()), context: baseContext(referrer), ...fields };
    if (message.userId == null) {
      const userId = getUserId();
      if (userId) message.userId = userId;
    }
    if (consent === 'granted') stamp(message);
    else if (held.length < HELD_MAX) held.push(message);
  }

  function track(event: unknown, properties?: unknown): void {
    if (typeof event !== 'string' || !event) return warn('track(event, properties) needs an event name');
    emit('track', { event, properties: isObject(properties) ? properties : {} });
  }

  function reportEngagement(final: boolean): void {
    const props = takeEngagement(final);
    if (props) track('Page Engagement', props);
  }

  /** page([category], [name], [properties]): analytics.js's argument order. */
  function page(...args: unknown[]): void {
    reportEngagement(true);
    pageCalled = true;
    const strings = args.filter((a) => typeof a === 'string') as string[];
    const root = document.documentElement;
    const name = (strings.length > 1 ? strings[1] : strings[0]) || root.getAttribute('data-crumb-page');
    const category = (strings.length > 1 ? strings[0] : null) || root.getAttribute('data-crumb-category');
    const extra = args.find(isObject) || {};
    const properties: Props = { ...pageProps(referrer), ...extra };
    if (name) properties.name = name;
    if (category) properties.category = category;
    emit('page', { ...(name ? { name } : {}), ...(category ? { category } : {}), properties });
    startPageView();
  }

  function identify(a?: unknown, b?: unknown): void {
    const userId = typeof a === 'string' || typeof a === 'number' ? String(a) : null;
    if (userId) setUserId(userId);
    emit('identify', { traits: isObject(a) ? a : isObject(b) ? b : {} });
  }

  function setConsent(choice: unknown): void {
    if (!isObject(choice) || typeof choice.analytics !== 'boolean') return warn('consent({ analytics: true|false })');
    if (lockedBySignal) return warn('Do Not Track / Global Privacy Control is on: nothing is tracked');
    if (choice.analytics) {
      if (consent === 'granted') return;
      consent = 'granted';
      allowStorage(true);
      write('consent', true);
      persistIds();
      enableDelivery();
      const waiting = held;
      held = [];
      waiting.forEach(stamp);
    } else {
      // Withdrawal: stop sending, forget every identifier and queued message, in memory and on the device.
      consent = 'denied';
      held = [];
      disableDelivery();
      clearAll();
      allowStorage(false);
      forgetIds();
    }
  }

  const api = {
    __crumbtrail: true,
    VERSION: LIBRARY.version,
    page: safe(page),
    track: safe(track),
    identify: safe(identify),
    alias: safe((userId: unknown, previousId?: unknown) => {
      if (typeof userId !== 'string' || !userId) return warn('alias(userId, previousId) needs a userId');
      const previous = typeof previousId === 'string' && previousId ? previousId : getUserId() || getAnonymousId();
      emit('alias', { userId, previousId: previous });
      setUserId(userId);
    }),
    group: safe((groupId: unknown, traits?: unknown) => {
      if (typeof groupId !== 'string' || !groupId) return warn('group(groupId, traits) needs a groupId');
      emit('group', { groupId, traits: isObject(traits) ? traits : {} });
    }),
    reset: safe(() => forgetIds(true)),
    consent: safe(setConsent),
    location: safe(() => {
      navigator.geolocation.getCurrentPosition(
        safe((pos: GeolocationPosition) =>
          track('Location Updated', { lat: pos.coords.latitude, lng: pos.coords.longitude, accuracy: pos.coords.accuracy }),
        ),
        (error) => warn('location: ' + error.message),
        { maximumAge: 60_000, timeout: 15_000 },
      );
    }),
    flush: safe(flush),
    ready: safe((fn: unknown) => typeof fn === 'function' && safe(fn as () => void)()),
    /** Called with every message as it is queued for delivery (the demo shop's breadcrumb panel uses it). */
    on: safe((fn: unknown) => typeof fn === 'function' && listeners.push(fn as (m: Message) => void)),
    user: safe(() => ({
      anonymousId: consent === 'granted' ? getAnonymousId() : null,
      userId: getUserId(),
      sessionId: currentSessionId(),
      consent,
      queued: queuedCount(),
    })),
    ecommerce: {} as Record<string, (props?: Props) => void>,
  };
  for (const [method, fn] of Object.entries(ecommerceHelpers(track))) api.ecommerce[method] = safe(fn);
  win.crumbtrail = api as unknown as Stub;

  if (consent === 'granted') {
    allowStorage(true);
    enableDelivery();
  }

  installAutotrack(
    {
      navigated: (fromApp) => {
        if (pageKey() === lastKey) return;
        lastKey = pageKey();
        referrer = lastUrl;
        lastUrl = location.href;
        // page() reports the page left behind first (reportEngagement). Once the app has rendered the new page (title, data-crumb-page): an app calling pushState renders in
        // the same task; on popstate the app's listener may run after ours, so wait for the next task.
        if (fromApp) queueMicrotask(safe(page));
        else setTimeout(safe(page), 0);
      },
      hidden: (final) => {
        reportEngagement(final);
        flushOnHide();
      },
      shown: (restored) => restored && page(),
      online: flush,
      track,
    },
    options.trackHistory,
  );

  // Replay what the page asked for before we loaded, in order.
  for (const call of Array.isArray(stub) ? stub : []) {
    if (!Array.isArray(call)) continue;
    const fn = (api as unknown as Record<string, unknown>)[call[0] as string];
    if (typeof fn === 'function') fn(...call.slice(1));
  }
  if (options.autoPage && !pageCalled) page();
}

safe(boot)();
