import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CrumbtrailError } from '../core/errors.js';
import { PACKAGE_ROOT } from '../core/version.js';
import { trackerCode } from './tracker-source.js';

export interface WebDeps {
  /** The default source's write key, injected into the demo shop (a write key can only write). */
  credentials: { writeKey: string };
}

const SHOP_DIR = path.join(PACKAGE_ROOT, 'src', 'web', 'demo-shop');
const ASSET_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
/**
 * The demo shop runs only its own scripts and talks only to this server: whatever an event or a product name
 * contains, it can neither run nor leave. (The tracker's snippet lives in shop.js for the same reason.)
 */
const SHOP_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const escapeAttribute = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

let shop: { page: string; assets: Map<string, string> } | null = null;

/** The shop's page and assets, read once per process on first use (not at every server start). */
function shopFiles(): { page: string; assets: Map<string, string> } {
  if (shop) return shop;
  const dir = path.join(SHOP_DIR, 'assets');
  const assets = new Map(fs.readdirSync(dir).map((name) => [name, fs.readFileSync(path.join(dir, name), 'utf8')] as const));
  shop = { page: fs.readFileSync(path.join(SHOP_DIR, 'index.html'), 'utf8'), assets };
  return shop;
}

/** /crumbtrail.js (the browser tracker) and /demo/shop (a small shop instrumented with it). */
export async function webRoutes(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get('/crumbtrail.js', { schema: { hide: true } }, async (request, reply) => {
    const tracker = await trackerCode();
    reply.header('cache-control', 'public, max-age=300').header('vary', 'accept-encoding').type('application/javascript; charset=utf-8');
    if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(tracker.gzip);
    return tracker.code;
  });

  const shopPage = async (_request: unknown, reply: import('fastify').FastifyReply) => {
    reply.header('content-security-policy', SHOP_CSP).header('cache-control', 'no-store').type('text/html; charset=utf-8');
    return shopFiles().page.replace('{{WRITE_KEY}}', escapeAttribute(deps.credentials.writeKey));
  };
  app.get('/demo/shop', { schema: { hide: true } }, shopPage);
  app.get('/demo/shop/*', { schema: { hide: true } }, shopPage);

  app.get<{ Params: { file: string } }>('/demo/shop/assets/:file', { schema: { hide: true } }, async (request, reply) => {
    const content = shopFiles().assets.get(request.params.file);
    const type = ASSET_TYPES[path.extname(request.params.file)];
    if (content === undefined || !type) throw new CrumbtrailError('CT_ROUTE_NOT_FOUND', `GET ${request.url.split('?')[0]}`);
    reply.header('cache-control', 'no-cache').type(type);
    return content;
  });
}
