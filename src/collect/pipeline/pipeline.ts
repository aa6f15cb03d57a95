import { CrumbtrailError } from '../../core/errors.js';
import {
  batchEnvelopeSchema,
  incomingEventSchema,
  type DropReason,
  type EventType,
  type IncomingEvent,
  type PreparedEvent,
} from '../../core/events.js';
import { newMessageId } from '../../core/ids.js';
import { KB } from '../../core/units.js';
import { isPlainValidEvent } from './fast-check.js';
import { cleanId } from './ids.js';
import { jsonNeedsCleaning, storableDeep, storableText } from './storable-text.js';
import { enrich, type GeoLookup } from './enrich.js';
import { correctSkew, isPlausibleTime, parseTimestamp } from './timestamps.js';

export const MAX_EVENT_BYTES = 32 * KB;
const MAX_REPORTED_ISSUES = 20;

export type CallType = EventType | 'batch';

export interface RequestContext {
  sourceId: string;
  receivedAt: number;
  requestIp: string | null;
}

export type DropCounts = Partial<Record<DropReason, number>>;

/** Add drop counts together (a batch's requests, an import's lines). */
export function sumDrops(...all: DropCounts[]): DropCounts {
  const total: DropCounts = {};
  for (const drops of all) {
    for (const [reason, n] of Object.entries(drops) as [DropReason, number][]) if (n) total[reason] = (total[reason] ?? 0) + n;
  }
  return total;
}

export interface PreparedRequest {
  events: PreparedEvent[];
  drops: DropCounts;
}

/** An event after schema validation, with the request-level fields it inherits. */
interface Draft {
  raw: IncomingEvent;
  type: EventType;
  userId: string | null;
  anonymousId: string | null;
  /** The client's own time for the event, and when it sent it (NaN: unparseable or implausible). */
  original: number | null;
  sentAt: number | null;
  /** After clock-skew correction. */
  timestamp: number;
  context: Record<string, unknown>;
}

/**
 * The named checks every event passes, in order; the first that fails drops the event with its reason
 * (Plausible's ingestion pipeline is the model: each step may drop, the handler stays short).
 */
const DROP_CHECKS: { reason: DropReason; drops: (d: Draft) => boolean }[] = [
  { reason: 'missing_id', drops: (d) => d.userId === null && d.anonymousId === null },
  { reason: 'missing_event_name', drops: (d) => d.type === 'track' && !d.raw.event?.trim() },
  { reason: 'missing_previous_id', drops: (d) => d.type === 'alias' && (cleanId(d.raw.previousId) === null || d.userId === null) },
  { reason: 'missing_group_id', drops: (d) => d.type === 'group' && cleanId(d.raw.groupId) === null },
  {
    reason: 'invalid_timestamp',
    drops: (d) => Number.isNaN(d.original) || Number.isNaN(d.sentAt) || !isPlausibleTime(d.timestamp),
  },
];

/**
 * parse → validate (schema) → normalise (ids, timestamps with skew correction) → enrich → size check.
 * Type errors reject the whole request (400, nothing stored); semantic gaps drop single events with a reason.
 */
export class CollectPipeline {
  constructor(private readonly geo: GeoLookup | null) {}

  prepare(body: unknown, call: CallType, request: RequestContext): PreparedRequest {
    const drafts = this.validate(body, call, request.receivedAt);
    const drops: DropCounts = {};
    const events: PreparedEvent[] = [];
    drafts.forEach((draft, index) => {
      const failed = DROP_CHECKS.find((check) => check.drops(draft));
      if (failed) {
        drops[failed.reason] = (drops[failed.reason] ?? 0) + 1;
        return;
      }
      const event = this.normalise(draft, request);
      if (event.sizeBytes > MAX_EVENT_BYTES) {
        throw new CrumbtrailError('CT_EVENT_TOO_LARGE', `Event ${index} is ${Math.ceil(event.sizeBytes / KB)} KB.`, {
          index,
          bytes: event.sizeBytes,
          limitBytes: MAX_EVENT_BYTES,
        });
      }
      events.push(event);
    });
    return { events, drops };
  }

  private validate(body: unknown, call: CallType, receivedAt: number): Draft[] {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new CrumbtrailError('CT_INVALID_BODY', 'The body must be a JSON object.');
    }
    let items: unknown[] = [body];
    let sentAt: unknown;
    let sharedContext: Record<string, unknown> = {};
    if (call === 'batch') {
      const envelope = batchEnvelopeSchema.safeParse(body);
      if (!envelope.success) {
        throw new CrumbtrailError('CT_INVALID_BODY', 'Expected {"batch": [event, ...]} with at most 10000 events.', {
          issues: envelope.error.issues.slice(0, MAX_REPORTED_ISSUES).map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
      }
      items = envelope.data.batch;
      sentAt = envelope.data.sentAt;
      sharedContext = envelope.data.context ?? {};
    }
    const issues: { index: number; path: string; message: string }[] = [];
    const drafts: Draft[] = [];
    items.forEach((item, index) => {
      let raw: IncomingEvent;
      if (isPlainValidEvent(item)) raw = item;
      else {
        const parsed = incomingEventSchema.safeParse(item);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) issues.push({ index, path: issue.path.join('.'), message: issue.message });
          return;
        }
        raw = parsed.data;
      }
      const type = call === 'batch' ? raw.type : call;
      if (type === undefined) {
        issues.push({ index, path: 'type', message: 'Each batch item needs a "type" (track, identify, page, screen, group, alias).' });
        return;
      }
      const original = parseTimestamp(raw.timestamp ?? raw.originalTimestamp);
      const draftSentAt = parseTimestamp(raw.sentAt ?? (sentAt as string | number | null | undefined));
      drafts.push({
        raw,
        type,
        userId: cleanId(raw.userId),
        anonymousId: cleanId(raw.anonymousId),
        original,
        sentAt: draftSentAt,
        timestamp: correctSkew(original, draftSentAt, receivedAt),
        context: { ...sharedContext, ...(raw.context ?? {}) },
      });
    });
    if (issues.length > 0) {
      throw new CrumbtrailError('CT_INVALID_EVENT', `${issues.length} problem(s), first: event ${issues[0]!.index} ${issues[0]!.path}: ${issues[0]!.message}`, {
        issues: issues.slice(0, MAX_REPORTED_ISSUES),
      });
    }
    return drafts;
  }

  private normalise(draft: Draft, request: RequestContext): PreparedEvent {
    const { raw } = draft;
    let { context } = draft;
    let properties = raw.properties ?? {};
    let traits = raw.traits ?? {};
    let json = { properties: JSON.stringify(properties), traits: JSON.stringify(traits), context: JSON.stringify(context) };
    if (jsonNeedsCleaning(json.properties) || jsonNeedsCleaning(json.traits) || jsonNeedsCleaning(json.context)) {
      [properties, traits, context] = [storableDeep(properties), storableDeep(traits), storableDeep(context)];
      json = { properties: JSON.stringify(properties), traits: JSON.stringify(traits), context: JSON.stringify(context) };
    }
    const messageId = raw.messageId === null || raw.messageId === undefined ? newMessageId() : storableText(String(raw.messageId));
    return {
      messageId,
      sourceId: request.sourceId,
      type: draft.type,
      event: draft.type === 'track' ? storableText(raw.event!.trim()) : null,
      name: raw.name === null || raw.name === undefined ? null : storableText(raw.name),
      userId: draft.userId,
      anonymousId: draft.anonymousId,
      groupId: cleanId(raw.groupId),
      previousId: cleanId(raw.previousId),
      timestamp: draft.timestamp,
      originalTimestamp: draft.original,
      sentAt: draft.sentAt,
      receivedAt: request.receivedAt,
      traits,
      json,
      revenue: revenueOf(properties),
      currency: typeof properties.currency === 'string' ? properties.currency.slice(0, 16).toUpperCase() : null,
      sizeBytes: json.properties.length + json.traits.length + json.context.length + messageId.length,
      ...enrich(context, properties, request.requestIp, this.geo),
    };
  }
}

/** Segment e-commerce spec: Order Completed carries `revenue` (or `total`, or `value`); strings like "12.50" count. */
function revenueOf(properties: Record<string, unknown>): number | null {
  for (const key of ['revenue', 'total', 'value']) {
    const value = properties[key];
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    if (Number.isFinite(n)) return n;
  }
  return null;
}
