import type { EventType, StoredEvent } from '../../core/events.js';

/**
 * The event log's columns, once, for every engine: each adapter maps the logical type to its own column type.
 * Properties the analytical queries need (revenue, page, UTM, device, geo) are flattened into columns so the
 * same SQL runs on engines without JSON functions (ClickHouse 18.16); the full objects stay as JSON text.
 */
export type LogicalType = 'string' | 'nullable_string' | 'int' | 'bigint' | 'time' | 'nullable_time' | 'nullable_double' | 'bool';

export interface EventColumn {
  name: string;
  type: LogicalType;
  /** The column's value for an event at `position` in the batch being appended. */
  read: (event: StoredEvent, position: number) => string | number | boolean | null;
}

export const EVENT_COLUMNS: EventColumn[] = [
  { name: 'message_id', type: 'string', read: (e) => e.messageId },
  { name: 'source_id', type: 'string', read: (e) => e.sourceId },
  { name: 'node_id', type: 'string', read: (e) => e.nodeId },
  { name: 'batch_seq', type: 'bigint', read: (e) => e.batchSeq },
  { name: 'batch_pos', type: 'int', read: (_, position) => position },
  { name: 'type', type: 'string', read: (e) => e.type },
  { name: 'event', type: 'nullable_string', read: (e) => e.event },
  { name: 'name', type: 'nullable_string', read: (e) => e.name },
  { name: 'person_id', type: 'string', read: (e) => e.personId },
  { name: 'user_id', type: 'nullable_string', read: (e) => e.userId },
  { name: 'anonymous_id', type: 'nullable_string', read: (e) => e.anonymousId },
  { name: 'group_id', type: 'nullable_string', read: (e) => e.groupId },
  { name: 'previous_id', type: 'nullable_string', read: (e) => e.previousId },
  { name: 'timestamp', type: 'time', read: (e) => e.timestamp },
  { name: 'original_timestamp', type: 'nullable_time', read: (e) => e.originalTimestamp },
  { name: 'sent_at', type: 'nullable_time', read: (e) => e.sentAt },
  { name: 'received_at', type: 'time', read: (e) => e.receivedAt },
  { name: 'properties', type: 'string', read: (e) => e.json.properties },
  { name: 'traits', type: 'string', read: (e) => e.json.traits },
  { name: 'context', type: 'string', read: (e) => e.json.context },
  { name: 'revenue', type: 'nullable_double', read: (e) => e.revenue },
  { name: 'currency', type: 'nullable_string', read: (e) => e.currency },
  { name: 'url', type: 'nullable_string', read: (e) => e.url },
  { name: 'path', type: 'nullable_string', read: (e) => e.path },
  { name: 'referrer', type: 'nullable_string', read: (e) => e.referrer },
  { name: 'title', type: 'nullable_string', read: (e) => e.title },
  { name: 'utm_source', type: 'nullable_string', read: (e) => e.utmSource },
  { name: 'utm_medium', type: 'nullable_string', read: (e) => e.utmMedium },
  { name: 'utm_campaign', type: 'nullable_string', read: (e) => e.utmCampaign },
  { name: 'utm_term', type: 'nullable_string', read: (e) => e.utmTerm },
  { name: 'utm_content', type: 'nullable_string', read: (e) => e.utmContent },
  { name: 'timezone', type: 'nullable_string', read: (e) => e.timezone },
  { name: 'locale', type: 'nullable_string', read: (e) => e.locale },
  { name: 'ip', type: 'nullable_string', read: (e) => e.ip },
  { name: 'country', type: 'nullable_string', read: (e) => e.country },
  { name: 'city', type: 'nullable_string', read: (e) => e.city },
  { name: 'user_agent', type: 'nullable_string', read: (e) => e.userAgent },
  { name: 'browser', type: 'nullable_string', read: (e) => e.browser },
  { name: 'os', type: 'nullable_string', read: (e) => e.os },
  { name: 'device_type', type: 'nullable_string', read: (e) => e.deviceType },
  { name: 'is_bot', type: 'bool', read: (e) => e.isBot },
  // Added by migration 2 (columns added later go last: the Appender and ALTER TABLE both put them at the end).
  { name: 'session_id', type: 'nullable_string', read: (e) => e.sessionId },
];

/** A row read back from any engine, with times already as epoch milliseconds. */
export type EventRow = Record<string, string | number | boolean | null>;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function rowToStoredEvent(row: EventRow): StoredEvent {
  const json = { properties: String(row.properties), traits: String(row.traits), context: String(row.context) };
  return {
    messageId: String(row.message_id),
    sourceId: String(row.source_id),
    nodeId: String(row.node_id),
    batchSeq: Number(row.batch_seq),
    type: row.type as EventType,
    event: str(row.event),
    name: str(row.name),
    personId: String(row.person_id),
    userId: str(row.user_id),
    anonymousId: str(row.anonymous_id),
    groupId: str(row.group_id),
    previousId: str(row.previous_id),
    timestamp: Number(row.timestamp),
    originalTimestamp: num(row.original_timestamp),
    sentAt: num(row.sent_at),
    receivedAt: Number(row.received_at),
    traits: JSON.parse(json.traits) as Record<string, unknown>,
    json,
    revenue: num(row.revenue),
    currency: str(row.currency),
    url: str(row.url),
    path: str(row.path),
    referrer: str(row.referrer),
    title: str(row.title),
    utmSource: str(row.utm_source),
    utmMedium: str(row.utm_medium),
    utmCampaign: str(row.utm_campaign),
    utmTerm: str(row.utm_term),
    utmContent: str(row.utm_content),
    timezone: str(row.timezone),
    locale: str(row.locale),
    ip: str(row.ip),
    country: str(row.country),
    city: str(row.city),
    userAgent: str(row.user_agent),
    browser: str(row.browser),
    os: str(row.os),
    deviceType: str(row.device_type),
    isBot: row.is_bot === true || Number(row.is_bot) === 1,
    sessionId: str(row.session_id),
    sizeBytes: json.properties.length + json.traits.length + json.context.length,
  };
}
