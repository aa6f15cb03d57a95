import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { batchEnvelopeSchema, DROP_REASONS, incomingEventSchema } from '../core/events.js';
import type { Ingestor } from '../ingest/ingestor.js';
import { errorResponseSchema } from '../server/error-schema.js';
import type { CallType, CollectPipeline } from './pipeline/pipeline.js';
import type { WriteKeyAuth } from './write-key.js';

/** Every tracking path: Segment's names, analytics.js short forms, RudderStack's /v1/import. */
export const TRACKING_PATHS: Record<string, CallType> = {
  track: 'track',
  t: 'track',
  identify: 'identify',
  i: 'identify',
  page: 'page',
  p: 'page',
  screen: 'screen',
  s: 'screen',
  group: 'group',
  g: 'group',
  alias: 'alias',
  a: 'alias',
  batch: 'batch',
  b: 'batch',
  import: 'batch',
};

export const ingestResponseSchema = z.object({
  success: z.literal(true),
  accepted: z.number().int().describe('Events stored durably by this request'),
  dropped: z.number().int().describe('Events dropped, total'),
  drops: z.partialRecord(z.enum(DROP_REASONS), z.number().int()).describe('Dropped events by reason'),
});

export interface CollectDeps {
  pipeline: CollectPipeline;
  ingestor: Ingestor;
  auth: WriteKeyAuth;
  clock: Clock;
}

/**
 * The tracking API. The write key is checked once in a scoped hook; the handler only runs the pipeline and
 * waits for durability. Request schemas are documented from the same zod schemas the pipeline validates with;
 * validation itself happens in the pipeline (per event, with catalogued errors), not in Fastify.
 */
export async function collectRoutes(app: FastifyInstance, deps: CollectDeps): Promise<void> {
  app.decorateRequest('sourceId', '');
  app.addHook('preHandler', async (request) => {
    request.sourceId = (await deps.auth.sourceFor(request)).sourceId;
  });
  for (const [path, call] of Object.entries(TRACKING_PATHS)) {
    app.post(`/v1/${path}`, {
      schema: {
        tags: ['tracking'],
        summary: call === 'batch' ? 'Send many events (Segment batch)' : `Send one ${call} call`,
        hide: path.length === 1,
        body: call === 'batch' ? batchEnvelopeSchema : incomingEventSchema,
        response: { 200: ingestResponseSchema, '4XX': errorResponseSchema, 503: errorResponseSchema },
      },
      validatorCompiler: () => (data) => ({ value: data }),
      handler: async (request) => {
        const prepared = deps.pipeline.prepare(request.body, call, {
          sourceId: request.sourceId,
          receivedAt: deps.clock.now(),
          requestIp: request.ip ?? null,
        });
        // The prepared events hold no reference into the parsed body (PreparedEvent.traits aside); letting go of it
        // here lets that tree die young while the request waits for its group commit.
        request.body = undefined;
        const result = await deps.ingestor.ingest(prepared.events, prepared.drops);
        return { success: true as const, ...result };
      },
    });
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    sourceId: string;
  }
}
