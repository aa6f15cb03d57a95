import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { CrumbtrailError } from '../core/errors.js';

/** Reading needs the admin token as a Bearer token. A write key is never accepted here. */
export function adminAuthHook(adminToken: string) {
  const expected = Buffer.from(adminToken);
  return async (request: FastifyRequest): Promise<void> => {
    const auth = request.headers.authorization;
    if (!auth?.startsWith('Bearer ')) throw new CrumbtrailError('CT_MISSING_ADMIN_TOKEN');
    const given = Buffer.from(auth.slice(7).trim());
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new CrumbtrailError('CT_INVALID_ADMIN_TOKEN');
    }
  };
}
