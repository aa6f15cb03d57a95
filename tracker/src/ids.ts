// Who the visitor is (anonymousId, userId) and which session they are in. Kept in memory, mirrored to
// storage only when consent allows. Sessions follow EVENTS.md: id = epoch ms of the session's first event,
// a new one after 30 min idle or 24 h total.
import { SESSION_IDLE_MS, SESSION_MAX_MS } from './limits.js';
import { read, write } from './storage.js';
import { uuid } from './util.js';

interface Session {
  id: number;
  last: number;
}

let anonymousId: string | undefined;
let userId: string | null | undefined;
let session: Session | undefined;

export function getAnonymousId(): string {
  if (anonymousId === undefined) {
    anonymousId = read<string>('aid') ?? uuid();
    write('aid', anonymousId);
  }
  return anonymousId;
}

export function getUserId(): string | null {
  if (userId === undefined) userId = read<string>('uid') ?? null;
  return userId;
}

export function setUserId(id: string | null): void {
  userId = id;
  write('uid', id);
}

/** The session an event at time `at` belongs to, and whether it starts that session. */
export function sessionAt(at: number): { sessionId: number; sessionStart: boolean } {
  session ??= read<Session>('sess');
  let sessionStart = false;
  if (!session || at - session.last > SESSION_IDLE_MS || at - session.id >= SESSION_MAX_MS) {
    session = { id: at, last: at };
    sessionStart = true;
  }
  session.last = Math.max(session.last, at);
  write('sess', session);
  return { sessionId: session.id, sessionStart };
}

export function currentSessionId(): number | null {
  return session ? session.id : null;
}

/**
 * Forget everyone (reset() and consent withdrawal), in memory and in storage (a no-op without consent): the next
 * event gets a new anonymousId.
 */
export function forgetIds(keepSession?: boolean): void {
  anonymousId = undefined;
  write('aid', null);
  setUserId(null);
  if (!keepSession) {
    session = undefined;
    write('sess', null);
  }
}

/** After consent: identifiers chosen from now on may be persisted. */
export function persistIds(): void {
  if (anonymousId) write('aid', anonymousId);
  if (userId) write('uid', userId);
  if (session) write('sess', session);
}
