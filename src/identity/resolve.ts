import { derivePersonId } from '../core/ids.js';
import type { IdentityFacts } from '../core/events.js';
import type { PersonMerge } from '../store/event-store/port.js';
import { identityKey } from '../store/state-store/identity-key.js';
import type { IdentityKey, PersonSummary, StateBatch, StateStore } from '../store/state-store/port.js';

export interface IdentityOutcome {
  /** Final (canonical, after this batch's merges) person of each event, by index. */
  personIds: string[];
  newPersons: StateBatch['newPersons'];
  links: StateBatch['links'];
  merges: PersonMerge[];
  /** Merges refused by a guard, by guard, for metrics. */
  refused: { knownUserConflict: number; mergeCap: number };
}

/** An event's identity keys (null where it has no such id). */
interface EventKeys {
  user: IdentityKey | null;
  anon: IdentityKey | null;
}

interface PersonState {
  userIds: Set<string>;
  mergeCount: number;
}

/**
 * Turns a batch of events into person ids and identity-graph changes. Decisions depend only on the state
 * before the batch and the batch itself, so replaying a batch after a crash reproduces them exactly.
 *
 * Rules (documented in docs/identity.md):
 * - identify/any call with userId + anonymousId links the anonymous id to the user's person; an anonymous-only
 *   person is merged into the known one ("events sent before login become part of the history").
 * - Never merge two different known users through a shared anonymous id (a shared computer): the second user
 *   gets a person of their own and the anonymous id stays where it was.
 * - alias(previousId → userId) is an explicit request and may merge two known users.
 * - A person absorbs at most `maxMerges` others.
 */
export class IdentityResolver {
  constructor(private readonly maxMerges: number) {}

  async resolve(state: StateStore, nodeId: string, batchSeq: number, events: readonly IdentityFacts[]): Promise<IdentityOutcome> {
    // Each event's keys, built once: a fresh key string is hashed again at every Map lookup.
    const eventKeys = events.map((e) => ({
      user: e.userId === null ? null : identityKey('user', e.userId),
      anon: e.anonymousId === null ? null : identityKey('anon', e.anonymousId),
    }));
    const keys = new Set<IdentityKey>();
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const { user, anon } = eventKeys[i]!;
      if (user !== null) keys.add(user);
      if (anon !== null) keys.add(anon);
      if (e.type === 'alias' && e.previousId !== null) {
        keys.add(identityKey('user', e.previousId));
        keys.add(identityKey('anon', e.previousId));
      }
    }
    const keyToPerson = await state.lookupIdentities([...keys]);
    const summaries = await state.lookupPersons([...personsThatMayMerge(events, eventKeys, keyToPerson)]);
    return new BatchResolution(this.maxMerges, nodeId, batchSeq, keyToPerson, summaries).run(events, eventKeys);
  }
}

/**
 * Stored persons whose known user ids or merge count a decision can depend on. Every decision (link a user to
 * an anonymous person, merge, alias) comes from an event that carries a userId together with an anonymousId or
 * a previousId, and only involves persons reached through such events (or created in the batch). So: the stored
 * persons of every key of those events, except when all of an event's keys already name one stored person (keys
 * under one person stay under one canonical person for the whole batch, so that event decides nothing).
 * Most traffic is one-id events or already-joined pairs, which keeps the per-batch lookups small.
 */
function personsThatMayMerge(events: readonly IdentityFacts[], eventKeys: EventKeys[], keyToPerson: Map<IdentityKey, string>): Set<string> {
  const needed = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const { user, anon } = eventKeys[i]!;
    if (user === null) continue;
    const keys: IdentityKey[] = [];
    if (anon !== null) keys.push(anon);
    if (e.type === 'alias' && e.previousId !== null) keys.push(identityKey('user', e.previousId), identityKey('anon', e.previousId));
    if (keys.length === 0) continue;
    keys.push(user);
    const persons = keys.map((key) => keyToPerson.get(key));
    const first = persons[0];
    const allOneStoredPerson = first !== undefined && persons.every((p) => p === first);
    if (allOneStoredPerson) continue;
    for (const person of persons) if (person !== undefined) needed.add(person);
  }
  return needed;
}

class BatchResolution {
  private readonly persons = new Map<string, PersonState>();
  private readonly mergedInto = new Map<string, string>();
  private readonly outcome: IdentityOutcome = {
    personIds: [],
    newPersons: [],
    links: [],
    merges: [],
    refused: { knownUserConflict: 0, mergeCap: 0 },
  };

  constructor(
    private readonly maxMerges: number,
    private readonly nodeId: string,
    private readonly batchSeq: number,
    private readonly keyToPerson: Map<IdentityKey, string>,
    summaries: Map<string, PersonSummary>,
  ) {
    for (const s of summaries.values()) this.persons.set(s.personId, { userIds: new Set(s.userIds), mergeCount: s.mergeCount });
  }

  run(events: readonly IdentityFacts[], eventKeys: EventKeys[]): IdentityOutcome {
    const atEvent = events.map((e, i) => {
      if (e.type === 'alias' && e.previousId !== null && e.userId !== null) this.alias(e.previousId, e.userId, e.receivedAt);
      return this.resolveEvent(e, eventKeys[i]!);
    });
    this.outcome.personIds = atEvent.map((p) => this.canonical(p));
    return this.outcome;
  }

  private resolveEvent(e: IdentityFacts, { user: userKey, anon: anonKey }: EventKeys): string {
    const userPerson = userKey && this.personOf(userKey);
    const anonPerson = anonKey && this.personOf(anonKey);
    const at = e.receivedAt;

    if (userPerson && anonPerson) {
      if (userPerson !== anonPerson) this.merge(anonPerson, userPerson, at, false);
      return userPerson;
    }
    if (userPerson) {
      if (anonKey) this.link(anonKey, userPerson, at);
      return userPerson;
    }
    if (anonPerson && userKey) {
      const anon = this.summary(anonPerson);
      if (anon.userIds.size === 0) {
        this.link(userKey, anonPerson, at);
        return anonPerson;
      }
      // Shared device: the anonymous id already belongs to a different known user. Keep them apart.
      this.outcome.refused.knownUserConflict++;
      return this.create(userKey, at);
    }
    if (anonPerson) return anonPerson;
    const person = this.create((userKey ?? anonKey)!, at);
    if (userKey && anonKey) this.link(anonKey, person, at);
    return person;
  }

  private alias(previousId: string, userId: string, at: number): void {
    const userKey = identityKey('user', userId);
    const previous = this.personOf(identityKey('user', previousId)) ?? this.personOf(identityKey('anon', previousId));
    const current = this.personOf(userKey);
    if (previous && current) {
      if (previous !== current) this.merge(previous, current, at, true);
    } else if (previous) {
      this.link(userKey, previous, at);
    } else {
      // An unknown previousId is taken as the anonymous id the user was known by before.
      const person = current ?? this.create(userKey, at);
      this.link(identityKey('anon', previousId), person, at);
    }
  }

  private personOf(key: IdentityKey): string | null {
    const person = this.keyToPerson.get(key);
    return person === undefined ? null : this.canonical(person);
  }

  private canonical(personId: string): string {
    let id = personId;
    for (let next = this.mergedInto.get(id); next !== undefined; next = this.mergedInto.get(id)) id = next;
    return id;
  }

  private summary(personId: string): PersonState {
    const state = this.persons.get(personId);
    // personsThatMayMerge() must have fetched every person a decision reads; a miss is a bug, never a guess.
    if (!state) throw new Error(`identity: person ${personId} was not looked up before a merge decision`);
    return state;
  }

  private create(key: IdentityKey, at: number): string {
    const personId = derivePersonId(this.nodeId, this.batchSeq, key);
    this.persons.set(personId, { userIds: new Set(), mergeCount: 0 });
    this.outcome.newPersons.push({ personId, createdAt: at });
    this.link(key, personId, at);
    return personId;
  }

  private link(key: IdentityKey, personId: string, at: number): void {
    this.keyToPerson.set(key, personId);
    this.outcome.links.push({ key, personId, at });
    if (key.startsWith('user:')) this.summary(personId).userIds.add(key.slice(5));
  }

  private merge(from: string, to: string, at: number, explicit: boolean): void {
    const absorbed = this.summary(from);
    const survivor = this.summary(to);
    if (!explicit && absorbed.userIds.size > 0) {
      this.outcome.refused.knownUserConflict++;
      return;
    }
    if (survivor.mergeCount + absorbed.mergeCount + 1 > this.maxMerges) {
      this.outcome.refused.mergeCap++;
      return;
    }
    this.mergedInto.set(from, to);
    this.outcome.merges.push({ from, to, at });
    for (const userId of absorbed.userIds) survivor.userIds.add(userId);
    survivor.mergeCount += absorbed.mergeCount + 1;
  }
}
