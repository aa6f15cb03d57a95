import type { DropReason } from '../../core/events.js';
import type { ProfileRow } from '../../profiles/profile-row.js';
import type { PersonMerge } from '../event-store/port.js';
import type { StoreHealth } from '../health.js';

export type IdentityKind = 'user' | 'anon';

/** `user:42` / `anon:abc`: one key per identity, the unit of the identity graph. */
export type IdentityKey = `${IdentityKind}:${string}`;

export interface PersonSummary {
  personId: string;
  userIds: string[];
  mergeCount: number;
}

export interface Source {
  sourceId: string;
  name: string;
  writeKey: string;
  createdAt: number;
}

/** What one person's identify calls in a batch change on the profile (reduced over the batch). */
export interface ProfileDelta {
  personId: string;
  /** Traits from identify calls, in order: later keys win. */
  traits: Record<string, unknown>;
}

/** Everything one durable event batch changes in the state store, applied in one transaction. */
export interface StateBatch {
  nodeId: string;
  batchSeq: number;
  newPersons: { personId: string; createdAt: number }[];
  /** New identity → person links (for persons that already exist or are created in this batch). */
  links: { key: IdentityKey; personId: string; at: number }[];
  /** Applied in order, after the links. */
  merges: PersonMerge[];
  /** Trait changes, for persons whose identify calls are in the batch. */
  profiles: ProfileDelta[];
  drops: Partial<Record<DropReason, number>>;
}

/** A person as the state store knows them. Activity (seen, counts, context) comes from the event log. */
export interface Profile {
  personId: string;
  userIds: string[];
  anonymousIds: string[];
  mergedPersonIds: string[];
  email: string | null;
  traits: Record<string, unknown>;
  /**
   * Traits Crumbtrail computes (customer-value models, lifecycle stage, …), kept apart from identify traits so
   * neither overwrites the other. Empty when nothing was computed yet.
   */
  computedTraits: Record<string, unknown>;
  createdAt: number;
}

/** One person's computed-trait keys to merge in (setComputedTraits). */
export interface ComputedTraitsRow {
  personId: string;
  traits: Record<string, unknown>;
}

export type PersonLookup = { userId: string } | { anonymousId: string } | { email: string };

export interface StateStats {
  people: number;
  drops: Record<string, number>;
}

/** Engine-neutral rows of every state table, for `crumbtrail migrate` (times are epoch ms). */
export interface StateTables {
  sources: Source[];
  persons: (ProfileRow & { personId: string; mergedInto: string | null; createdAt: number })[];
  identities: { key: IdentityKey; personId: string; createdAt: number }[];
  dropCounts: { reason: string; count: number }[];
  cursors: { nodeId: string; batchSeq: number }[];
  computedTraits: { personId: string; traits: Record<string, unknown>; updatedAt: number }[];
}

export type StateTable = keyof StateTables;
export const STATE_TABLES: StateTable[] = ['sources', 'persons', 'identities', 'dropCounts', 'cursors', 'computedTraits'];

/**
 * Mutable state: sources, the identity graph, traits, drop counts, ingest cursors. Adapters:
 * sqlite/ (embedded), postgres/ (scale-out). Identity *decisions* live in src/identity/, engine-independent;
 * adapters only look up and apply.
 */
export interface StateStore {
  readonly engine: string;
  migrate(): Promise<void>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;

  upsertSource(source: Source): Promise<void>;
  findSourceByWriteKey(writeKey: string): Promise<Source | null>;

  /** Current person for each identity key that has one. */
  lookupIdentities(keys: IdentityKey[]): Promise<Map<IdentityKey, string>>;
  /** Known user ids and merge counts of live persons. */
  lookupPersons(personIds: string[]): Promise<Map<string, PersonSummary>>;

  /** Last batch sequence of `nodeId` applied here (0 when none). */
  appliedBatchSeq(nodeId: string): Promise<number>;
  /** Apply one batch's changes atomically, moving the node's cursor to `batch.batchSeq`. */
  applyBatch(batch: StateBatch): Promise<void>;

  /**
   * Every merged-away person and the person it resolves to now (merges are kept flat: a merge re-points earlier
   * ones). Recovery compares them with the event log's person aliases.
   */
  listMerges(): Promise<{ from: string; to: string }[]>;
  /** Resolve a lookup to the canonical person id, following merges. */
  findPersonId(lookup: PersonLookup): Promise<string | null>;
  /** The canonical profile; a merged-away id resolves to the person it was merged into. */
  getProfile(personId: string): Promise<Profile | null>;
  /**
   * Merge computed-trait keys into each person's computed traits (a key given replaces the stored value; keys
   * not given stay). A row for a merged-away id applies to the canonical person; rows for unknown persons are
   * ignored. Rows are applied in order, batched, and each call is atomic. `at` is recorded as the update time.
   */
  setComputedTraits(rows: ComputedTraitsRow[], at: number): Promise<void>;
  stats(): Promise<StateStats>;

  /**
   * Claim `nodeId` for this process for as long as it runs; rejects when another live process holds it (two
   * nodes with one id would reuse batch numbers). Resolves to the release function.
   */
  claimNode(nodeId: string): Promise<() => Promise<void>>;
  /**
   * Run one flush's dedupe → identity → append → apply under the installation-wide ingest lock, so nodes sharing
   * the stores never decide on the same messageId or identity at once. Embedded: one process, no lock needed.
   * Not re-entrant: `work` must not call withIngestLock again.
   */
  withIngestLock<T>(work: () => Promise<T>): Promise<T>;

  /** Every row of one table in pages of `pageSize`, for migration. */
  exportTable<T extends StateTable>(table: T, pageSize: number): AsyncIterable<StateTables[T]>;
  /** Insert exported rows as they are (into an empty store). */
  importRows<T extends StateTable>(table: T, rows: StateTables[T]): Promise<void>;
  countRows(): Promise<Record<StateTable, number>>;
}
