import { createHash, randomBytes, randomUUID } from 'node:crypto';

export function newMessageId(): string {
  return randomUUID();
}

/** A random secret with a readable prefix (`ct_admin_…`, `ct_wk_…`). */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/**
 * Person ids are derived, not random: the same node, batch sequence and identity always give the same id.
 * That makes replaying a batch after a crash (recovery.ts) produce exactly the person ids that the event log
 * already holds for it.
 *
 * Shaped like a UUID v8 whose first 48 bits are the batch sequence (as UUID v7 puts a time there) and the other
 * 74 a hash of the three: a batch's new persons then sort together, after every earlier batch's, so the state
 * store's indexes on person_id grow at their right edge instead of dirtying a random page per new person.
 */
export function derivePersonId(nodeId: string, batchSeq: number, identityKey: string): string {
  const hex = createHash('sha256').update(`${nodeId}\u0000${batchSeq}\u0000${identityKey}`).digest('hex');
  const seq = (batchSeq % 2 ** 48).toString(16).padStart(12, '0');
  return `${seq.slice(0, 8)}-${seq.slice(8, 12)}-8${hex.slice(13, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A stable message id for imported rows that carry none, so re-importing the same file deduplicates. */
export function deriveMessageId(namespace: string, key: string): string {
  return `imp-${createHash('sha256').update(`${namespace}\u0000${key}`).digest('hex').slice(0, 32)}`;
}
