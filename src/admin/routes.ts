import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Clock } from '../core/clock.js';
import { CrumbtrailError } from '../core/errors.js';
import type { StoredEvent } from '../core/events.js';
import type { Ingestor } from '../ingest/ingestor.js';
import type { Metrics } from '../ops/metrics.js';
import { errorResponseSchema } from '../server/error-schema.js';
import type { EventStore } from '../store/event-store/port.js';
import type { Profile, StateStore } from '../store/state-store/port.js';
import { adminAuthHook } from './admin-auth.js';
import {
  healthSchema,
  personIdParamsSchema,
  personLookupSchema,
  profileSchema,
  statsSchema,
  timelineQuerySchema,
  timelineSchema,
} from './schemas.js';

export interface AdminDeps {
  adminToken: string;
  events: EventStore;
  state: StateStore;
  ingestor: Ingestor;
  metrics: Metrics;
  clock: Clock;
  version: string;
  startedAt: number;
}

const errors = { '4XX': errorResponseSchema };
const iso = (ms: number): string => new Date(ms).toISOString();

/** The read side: people, timelines, stats, metrics. Everything but /api/health needs the admin token. */
export async function adminRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/api/health', { schema: { tags: ['operations'], response: { 200: healthSchema, 503: healthSchema } } }, async (_req, reply) => {
    const [events, state] = await Promise.all([deps.events.health(), deps.state.health()]);
    const ok = events.ok && state.ok;
    reply.code(ok ? 200 : 503);
    return {
      status: ok ? ('ok' as const) : ('degraded' as const),
      version: deps.version,
      uptimeSeconds: Math.round((deps.clock.now() - deps.startedAt) / 1000),
      stores: { events, state },
    };
  });

  await app.register(async (scoped) => {
    scoped.addHook('onRequest', adminAuthHook(deps.adminToken));
    const read = scoped.withTypeProvider<ZodTypeProvider>();

    read.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics' } }, async (_req, reply) => {
      reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });

    read.get('/api/stats', { schema: { tags: ['operations'], response: { 200: statsSchema, ...errors } } }, async () => {
      const [events, state] = await Promise.all([deps.events.countEvents(), deps.state.stats()]);
      return {
        events,
        people: state.people,
        drops: state.drops,
        ingestLagSeconds: deps.ingestor.ingestLagSeconds,
        bufferDepth: deps.ingestor.bufferDepth,
      };
    });

    read.get(
      '/api/people',
      { schema: { tags: ['people'], summary: 'Find a person by userId, anonymousId or email', querystring: personLookupSchema, response: { 200: profileSchema, ...errors } } },
      async (request) => {
        const q = request.query;
        const lookup = q.userId !== undefined ? { userId: q.userId } : q.anonymousId !== undefined ? { anonymousId: q.anonymousId } : { email: q.email! };
        const personId = await deps.state.findPersonId(lookup);
        return profileView(deps.events, await requireProfile(deps.state, personId));
      },
    );

    read.get(
      '/api/people/:personId',
      { schema: { tags: ['people'], params: personIdParamsSchema, response: { 200: profileSchema, ...errors } } },
      async (request) => profileView(deps.events, await requireProfile(deps.state, request.params.personId)),
    );

    read.get(
      '/api/people/:personId/events',
      {
        schema: {
          tags: ['people'],
          summary: "A person's breadcrumb timeline, newest first",
          params: personIdParamsSchema,
          querystring: timelineQuerySchema,
          response: { 200: timelineSchema, ...errors },
        },
      },
      async (request) => {
        const profile = await requireProfile(deps.state, request.params.personId);
        const { limit, before } = request.query;
        const events = await deps.events.timeline({
          personIds: [profile.personId, ...profile.mergedPersonIds],
          limit,
          before: before === undefined ? undefined : parseCursor(before),
        });
        const last = events.at(-1);
        return {
          events: events.map(eventView),
          nextBefore: events.length === limit && last ? encodeCursor(last) : null,
        };
      },
    );
  });
}

async function requireProfile(state: StateStore, personId: string | null): Promise<Profile> {
  const profile = personId === null ? null : await state.getProfile(personId);
  if (!profile) throw new CrumbtrailError('CT_PERSON_NOT_FOUND');
  return profile;
}

/** What the state store knows (ids, traits) joined with what the person's events say (activity). */
async function profileView(events: EventStore, p: Profile) {
  const activity = await events.personActivity([p.personId, ...p.mergedPersonIds]);
  return {
    ...p,
    context: activity?.context ?? {},
    firstTouch: activity?.firstTouch ?? null,
    firstSeen: iso(activity?.firstSeen ?? p.createdAt),
    lastSeen: iso(activity?.lastSeen ?? p.createdAt),
    createdAt: iso(p.createdAt),
    eventCounts: activity?.eventCounts ?? {},
  };
}

function eventView(e: StoredEvent) {
  return {
    messageId: e.messageId,
    type: e.type,
    event: e.event,
    name: e.name,
    personId: e.personId,
    userId: e.userId,
    anonymousId: e.anonymousId,
    groupId: e.groupId,
    previousId: e.previousId,
    sourceId: e.sourceId,
    timestamp: iso(e.timestamp),
    originalTimestamp: e.originalTimestamp === null ? null : iso(e.originalTimestamp),
    sentAt: e.sentAt === null ? null : iso(e.sentAt),
    receivedAt: iso(e.receivedAt),
    properties: JSON.parse(e.json.properties) as Record<string, unknown>,
    traits: e.traits,
    context: JSON.parse(e.json.context) as Record<string, unknown>,
  };
}

function encodeCursor(e: StoredEvent): string {
  return Buffer.from(`${e.timestamp}|${e.messageId}`).toString('base64url');
}

/** A cursor from nextBefore, or a plain ISO time (everything strictly before it). */
function parseCursor(value: string): { timestamp: number; messageId: string } {
  const asTime = Date.parse(value);
  if (!Number.isNaN(asTime) && /^\d{4}-/.test(value)) return { timestamp: asTime, messageId: '' };
  const decoded = Buffer.from(value, 'base64url').toString('utf8');
  const bar = decoded.indexOf('|');
  const timestamp = Number(decoded.slice(0, bar));
  if (bar < 1 || !Number.isFinite(timestamp)) {
    throw new CrumbtrailError('CT_INVALID_QUERY', 'before must be a nextBefore cursor or an ISO time.');
  }
  return { timestamp, messageId: decoded.slice(bar + 1) };
}
