import zlib from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CrumbtrailError } from '../core/errors.js';
import { KB } from '../core/units.js';

/** Segment's limit for one request, checked on the decompressed body. */
export const MAX_REQUEST_BYTES = 500 * KB;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decompress(raw: Buffer, encoding: string | undefined): Buffer {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  const options = { maxOutputLength: MAX_REQUEST_BYTES };
  try {
    if (enc === 'identity' || enc === '') return raw;
    if (enc === 'gzip' || enc === 'x-gzip') return zlib.gunzipSync(raw, options);
    if (enc === 'deflate') return zlib.inflateSync(raw, options);
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new CrumbtrailError('CT_REQUEST_TOO_LARGE');
    throw new CrumbtrailError('CT_UNSUPPORTED_ENCODING', `The ${enc} body could not be decompressed.`);
  }
  throw new CrumbtrailError('CT_UNSUPPORTED_ENCODING', `Got Content-Encoding: ${enc}.`);
}

/** Decompress (gzip/deflate, capped), decode UTF-8 strictly, parse JSON. Any failure is a catalogued 400. */
export function parseJsonBody(raw: Buffer, encoding: string | undefined): unknown {
  const body = decompress(raw, encoding);
  if (body.length > MAX_REQUEST_BYTES) throw new CrumbtrailError('CT_REQUEST_TOO_LARGE');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new CrumbtrailError('CT_INVALID_JSON', 'The body is not valid UTF-8.');
  }
  if (text.trim() === '') throw new CrumbtrailError('CT_INVALID_JSON', 'The body is empty.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CrumbtrailError('CT_INVALID_JSON', (error as Error).message);
  }
}

/**
 * JSON, text/plain (analytics.js and sendBeacon send JSON as text/plain to avoid a CORS preflight), and
 * form-labelled bodies: RudderStack's Node SDK posts its gzip JSON labelled application/x-www-form-urlencoded (axios's
 * default for a Buffer), which RudderStack's own server reads as JSON, so Crumbtrail does too. Any other declared type
 * is refused; Fastify's own parsers are replaced so limits apply after decompression.
 */
const BODY_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded'];
const BODY_OPTIONS = { parseAs: 'buffer' as const, bodyLimit: MAX_REQUEST_BYTES };

function registerParsers(app: FastifyInstance, read: (request: FastifyRequest, raw: Buffer) => unknown): void {
  app.removeAllContentTypeParsers();
  const parse = (request: FastifyRequest, raw: Buffer, done: (err: Error | null, body?: unknown) => void): void => {
    try {
      done(null, read(request, raw));
    } catch (error) {
      done(error as Error);
    }
  };
  app.addContentTypeParser(BODY_TYPES, BODY_OPTIONS, parse);
  app.addContentTypeParser('*', BODY_OPTIONS, (request, raw: Buffer, done) => {
    if (request.headers['content-type']) {
      done(new CrumbtrailError('CT_UNSUPPORTED_MEDIA_TYPE', `Got Content-Type: ${request.headers['content-type']}.`));
    } else {
      parse(request, raw, done);
    }
  });
}

/** Bodies parsed as JSON (the admin API). */
export function registerBodyParsers(app: FastifyInstance): void {
  registerParsers(app, (request, raw) => parseJsonBody(raw, request.headers['content-encoding']));
}

/** The tracking routes: the body stays bytes, for a collect worker to parse (src/collect/worker/). */
export function registerRawBodyParsers(app: FastifyInstance): void {
  registerParsers(app, (_request, raw) => raw);
}
