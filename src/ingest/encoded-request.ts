import type { EventType, IdentityFacts, PreparedEvent } from '../core/events.js';
import type { EncodedChunk } from '../store/event-store/encoded/chunk.js';
import { encoderOfThisThread } from '../store/event-store/encoded/encoder.js';

/**
 * One request's events as the flush takes them: their columns encoded (store/event-store/encoded/chunk.ts), and
 * beside them, one array per field, what the flush reads as values (dedup, identity, profile deltas). Arrays of
 * strings rather than objects: they cross from a collect worker to the event loop for a fraction of the cost.
 */
export interface EncodedRequest {
  count: number;
  chunks: EncodedChunk[];
  messageIds: string[];
  types: EventType[];
  userIds: (string | null)[];
  anonymousIds: (string | null)[];
  previousIds: (string | null)[];
  /** An identify call's traits; null for other calls. */
  traits: (Record<string, unknown> | null)[];
  receivedAt: number;
}

const NO_TRAITS: Record<string, unknown> = Object.freeze({});

export function encodeRequest(events: readonly PreparedEvent[], receivedAt: number): EncodedRequest {
  return {
    count: events.length,
    chunks: encoderOfThisThread().encode(events),
    messageIds: events.map((e) => e.messageId),
    types: events.map((e) => e.type),
    userIds: events.map((e) => e.userId),
    anonymousIds: events.map((e) => e.anonymousId),
    previousIds: events.map((e) => e.previousId),
    traits: events.map((e) => (e.type === 'identify' ? e.traits : null)),
    receivedAt,
  };
}

/** The facts of one event of the request. */
export function identityFacts(request: EncodedRequest, row: number): IdentityFacts {
  return {
    type: request.types[row]!,
    userId: request.userIds[row]!,
    anonymousId: request.anonymousIds[row]!,
    previousId: request.previousIds[row]!,
    receivedAt: request.receivedAt,
    traits: request.traits[row] ?? NO_TRAITS,
  };
}
