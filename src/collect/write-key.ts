import type { FastifyRequest } from 'fastify';
import { CrumbtrailError } from '../core/errors.js';
import type { Source, StateStore } from '../store/state-store/port.js';

/** Where Segment-compatible clients put the write key, in the order they are tried (the body's comes parsed). */
export function writeKeyOf(request: FastifyRequest, bodyWriteKey: string | null): string | null {
  const auth = request.headers.authorization;
  if (auth?.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const key = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
    if (key) return key;
  }
  const header = request.headers['x-write-key'];
  if (typeof header === 'string' && header) return header;
  const query = (request.query as Record<string, unknown> | undefined)?.writeKey;
  if (typeof query === 'string' && query) return query;
  return bodyWriteKey;
}

/** Write keys resolve to sources; known keys are cached (sources change rarely, every event checks one). */
export class WriteKeyAuth {
  private readonly cache = new Map<string, Source>();

  constructor(private readonly state: StateStore) {}

  async sourceFor(request: FastifyRequest, bodyWriteKey: string | null): Promise<Source> {
    const key = writeKeyOf(request, bodyWriteKey);
    if (key === null) throw new CrumbtrailError('CT_MISSING_WRITE_KEY');
    const cached = this.cache.get(key);
    if (cached) return cached;
    const source = await this.state.findSourceByWriteKey(key);
    if (!source) throw new CrumbtrailError('CT_INVALID_WRITE_KEY');
    this.cache.set(key, source);
    return source;
  }
}
