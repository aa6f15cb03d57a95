// Consent state. "granted": send and store. "pending" (requireConsent, no choice yet): messages are held in
// memory only, unstamped by any identifier, and sent once consent arrives. "denied": nothing is kept at all.
// With honorPrivacySignals, a browser saying Do Not Track or Global Privacy Control means "denied" for good.
import { read } from './storage.js';

export type ConsentState = 'granted' | 'pending' | 'denied';

export function privacySignal(): boolean {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean; msDoNotTrack?: string };
  const w = window as Window & { doNotTrack?: string };
  return nav.globalPrivacyControl === true || [nav.doNotTrack, w.doNotTrack, nav.msDoNotTrack].some((v) => v === '1' || v === 'yes');
}

export function initialConsent(requireConsent: boolean, honorPrivacySignals: boolean): ConsentState {
  if (honorPrivacySignals && privacySignal()) return 'denied';
  if (!requireConsent) return 'granted';
  return read<boolean>('consent', true) ? 'granted' : 'pending';
}
