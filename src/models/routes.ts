import type { FastifyInstance } from 'fastify';
import { adminAuthHook } from '../admin/admin-auth.js';
import { CrumbtrailError } from '../core/errors.js';
import { errorResponseSchema } from '../server/error-schema.js';
import type { LtvService } from './service.js';

export interface ModelDeps {
  adminToken: string;
  ltv: LtvService;
}

const errors = { '4XX': errorResponseSchema };

/**
 * Customer-value models (docs/models.md). Admin token only. Bodies are validated by the service against the one
 * schema in options.ts, so a bad option is answered with CT_INVALID_LTV_OPTIONS and its details.
 */
export async function modelRoutes(app: FastifyInstance, deps: ModelDeps): Promise<void> {
  app.addHook('onRequest', adminAuthHook(deps.adminToken));

  app.post(
    '/api/models/ltv/fit',
    { schema: { tags: ['models'], summary: 'Fit BG/NBD or Pareto/NBD + Gamma-Gamma on order events and score every customer', response: errors } },
    async (request) => deps.ltv.fit(request.body ?? {}),
  );

  app.get('/api/models/ltv', { schema: { tags: ['models'], summary: 'The last fit: parameters, log-likelihood, tracking diagnostic', response: errors } }, async () => {
    const last = deps.ltv.last();
    if (!last) throw new CrumbtrailError('CT_LTV_NOT_FITTED');
    return last;
  });

  app.post(
    '/api/query/rfm',
    { schema: { tags: ['models'], summary: 'RFM quintile scores of every customer, by named segment', response: errors } },
    async (request) => deps.ltv.rfm(request.body ?? {}),
  );
}
