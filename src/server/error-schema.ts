import { z } from 'zod';
import { ERROR_CATALOG } from '../core/errors.js';

export const errorResponseSchema = z.object({
  success: z.literal(false),
  code: z.enum(Object.keys(ERROR_CATALOG) as [keyof typeof ERROR_CATALOG, ...(keyof typeof ERROR_CATALOG)[]]),
  message: z.string(),
  details: z.unknown().optional(),
});
