import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { adminRoutes, type AdminDeps } from '../admin/routes.js';
import { analyticsRoutes, type AnalyticsDeps } from '../analytics/routes.js';
import { registerBodyParsers } from '../collect/body-parser.js';
import { collectRoutes, type CollectDeps } from '../collect/routes.js';
import { CrumbtrailError, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { modelRoutes, type ModelDeps } from '../models/routes.js';
import { webRoutes, type WebDeps } from '../web/routes.js';

export type AppDeps = CollectDeps & AdminDeps & WebDeps & ModelDeps & AnalyticsDeps & { logger: Logger };

/** Fastify's own error codes, translated into the catalog so every 4xx carries a Crumbtrail code. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'CT_REQUEST_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'CT_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'CT_INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'CT_INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'CT_INVALID_BODY',
};

function toCatalogued(error: FastifyError): CrumbtrailError {
  if (error instanceof CrumbtrailError) return error;
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped) return new CrumbtrailError(mapped);
  if (error.validation) {
    return new CrumbtrailError(
      'CT_INVALID_QUERY',
      error.validation.map((v) => `${v.instancePath || v.params?.issue || ''} ${v.message}`.trim()).join('; '),
      { issues: error.validation.map((v) => ({ path: v.instancePath, message: v.message })) },
    );
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new CrumbtrailError('CT_INVALID_BODY', error.message);
  return new CrumbtrailError('CT_INTERNAL');
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: true,
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const catalogued = toCatalogued(error);
    if (catalogued.status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    deps.metrics.requestsRejected.inc({ code: catalogued.code });
    reply.code(catalogued.status).type('application/json').send(JSON.stringify(catalogued.toJSON()));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new CrumbtrailError('CT_ROUTE_NOT_FOUND', `${request.method} ${request.url.split('?')[0]}`);
    reply.code(404).type('application/json').send(JSON.stringify(error.toJSON()));
  });

  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Content-Type', 'Content-Encoding', 'Authorization', 'X-Write-Key'],
    maxAge: 86_400,
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Crumbtrail API',
        version: deps.version,
        description: 'Tracking API (Segment wire format, write key) and admin API (Bearer admin token).',
      },
      components: {
        securitySchemes: {
          writeKey: { type: 'http', scheme: 'basic', description: 'base64("<writeKey>:")' },
          adminToken: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  registerBodyParsers(app);

  await app.register(async (scope) => collectRoutes(scope, deps));
  await app.register(async (scope) => adminRoutes(scope, deps));
  await app.register(async (scope) => analyticsRoutes(scope, deps));
  await app.register(async (scope) => modelRoutes(scope, deps));
  await app.register(async (scope) => webRoutes(scope, deps));
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
