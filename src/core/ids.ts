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
 */
export function derivePersonId(nodeId: string, batchSeq: number, identityKey: string): string {
  const hex = createHash('sha256').update(`${nodeId}\u0000${batchSeq}\u0000${identityKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A stable message id for imported rows that carry none, so re-importing the same file deduplicates. */
export function deriveMessageId(namespace: string, key: string): string {
  return `imp-${createHash('sha256').update(`${namespace}\u0000${key}`).digest('hex').slice(0, 32)}`;
}
