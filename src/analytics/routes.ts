import type { FastifyInstance } from 'fastify';
import { adminAuthHook } from '../admin/admin-auth.js';
import type { Clock } from '../core/clock.js';
import { errorResponseSchema } from '../server/error-schema.js';
import type { EventStore } from '../store/event-store/port.js';
import { QUERY_KINDS } from './kinds/index.js';
import type { AnalyticsTraits } from './traits.js';
import { queryContext, runAnalyticsQuery } from './run-query.js';

export interface AnalyticsDeps {
  adminToken: string;
  events: EventStore;
  clock: Clock;
  analyticsTraits: AnalyticsTraits;
}

/**
 * POST /api/query/{kind}: one route per kind so the OpenAPI document shows each definition's schema; the
 * body is validated in runAnalyticsQuery (the same path the CLI takes), so errors read the same everywhere.
 */
export async function analyticsRoutes(app: FastifyInstance, deps: AnalyticsDeps): Promise<void> {
  await app.register(async (scoped) => {
    scoped.addHook('onRequest', adminAuthHook(deps.adminToken));
    const context = queryContext(deps.events.analytics, deps.clock);
    for (const kind of QUERY_KINDS) {
      scoped.post(
        `/api/query/${kind.name}`,
        { schema: { tags: ['analytics'], summary: kind.summary, security: [{ adminToken: [] }], response: { '4XX': errorResponseSchema } } },
        async (request) => runAnalyticsQuery(kind.name, request.body, context),
      );
    }
    scoped.post('/api/analytics/traits/refresh', { schema: { tags: ['analytics'], summary: 'Recompute lifecycleStage, churnSignals and onboarding traits on every profile now', security: [{ adminToken: [] }] } }, () =>
      deps.analyticsTraits.refresh(),
    );
    scoped.get('/api/analytics/traits', { schema: { tags: ['analytics'], summary: 'The last computed-traits refresh', security: [{ adminToken: [] }] } }, () => ({
      last: deps.analyticsTraits.lastRefresh(),
    }));
    scoped.post<{ Params: { kind: string } }>('/api/query/:kind', { schema: { hide: true } }, async (request) =>
      runAnalyticsQuery(request.params.kind, request.body, context),
    );
  });
}
