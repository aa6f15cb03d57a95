/**
 * The one error catalog. Every 4xx/5xx Crumbtrail answers carries one of these stable codes; docs/errors.md
 * lists the same entries and test/errors-catalog.test.ts fails when the two drift apart.
 */
export const ERROR_CATALOG = {
  CT_INVALID_JSON: {
    status: 400,
    message: 'The request body is not valid JSON. Send one JSON object (UTF-8), optionally gzip-compressed.',
  },
  CT_INVALID_BODY: {
    status: 400,
    message: 'The request body has the wrong shape. A batch needs {"batch": [events]}; a single call needs one event object.',
  },
  CT_INVALID_EVENT: {
    status: 400,
    message: 'One or more events have fields of the wrong type. See details for the index and path of each problem; nothing was stored.',
  },
  CT_EVENT_TOO_LARGE: {
    status: 400,
    message: 'An event is larger than 32 KB. Trim its properties, traits or context; nothing was stored.',
  },
  CT_REQUEST_TOO_LARGE: {
    status: 400,
    message: 'The request body is larger than 500 KB (after decompression). Split it into smaller batches.',
  },
  CT_UNSUPPORTED_ENCODING: {
    status: 400,
    message: 'Unsupported or corrupt Content-Encoding. Send identity, gzip or deflate.',
  },
  CT_UNSUPPORTED_MEDIA_TYPE: {
    status: 400,
    message: 'Unsupported Content-Type. Send application/json or text/plain containing JSON.',
  },
  CT_MISSING_WRITE_KEY: {
    status: 401,
    message: 'No write key. Send it as HTTP Basic auth (base64 of "writeKey:"), the body\'s writeKey, the X-Write-Key header or ?writeKey=.',
  },
  CT_INVALID_WRITE_KEY: {
    status: 401,
    message: 'The write key is not known to this Crumbtrail installation. Check the source\'s write key.',
  },
  CT_MISSING_ADMIN_TOKEN: {
    status: 401,
    message: 'This endpoint needs the admin token: send "Authorization: Bearer <admin token>". A write key cannot read.',
  },
  CT_INVALID_ADMIN_TOKEN: {
    status: 403,
    message: 'The bearer token is not the admin token. A write key only writes; use the admin token to read.',
  },
  CT_INVALID_QUERY: {
    status: 400,
    message: 'The query string or path parameters are invalid. See details for what to change.',
  },
  CT_INVALID_ANALYTICS_QUERY: {
    status: 400,
    message: 'The analytics query definition is invalid. See details for the field to change and docs/analytics.md for each kind.',
  },
  CT_UNKNOWN_QUERY_KIND: {
    status: 404,
    message: 'No such query kind. Use funnel, cart-abandonment, retention, engagement, churn-drivers, onboarding, lifecycle, paths or attribution.',
  },
  CT_INVALID_LTV_OPTIONS: {
    status: 400,
    message: 'The customer-value model options are invalid. See details; dates are YYYY-MM-DD and the calibration end must come before the holdout end.',
  },
  CT_LTV_NOT_FITTED: {
    status: 404,
    message: 'No customer-value model has been fitted yet. POST /api/models/ltv/fit (or run `crumbtrail ltv fit`) first.',
  },
  CT_LTV_TOO_FEW_CUSTOMERS: {
    status: 422,
    message: 'Too few customers to fit a customer-value model: it needs at least 20 customers with an order on or before the calibration end. Check the order event name and the calibration end.',
  },
  CT_LTV_NO_REPEAT_BUYERS: {
    status: 422,
    message: 'No customer ordered again within the calibration period, so repeat-purchase rates cannot be estimated. Move the calibration end later or check the order event name.',
  },
  CT_LTV_NEGATIVE_REVENUE: {
    status: 422,
    message: 'Some orders have negative revenue. Send refunds as a separate event, or correct the revenue property, before fitting spend.',
  },
  CT_LTV_FIT_FAILED: {
    status: 422,
    message: 'The model could not be fitted to this data (the likelihood has no finite maximum). Try another model or time unit, or a longer calibration period.',
  },
  CT_PERSON_NOT_FOUND: {
    status: 404,
    message: 'No person matches. Check the personId, userId, anonymousId or email.',
  },
  CT_ROUTE_NOT_FOUND: {
    status: 404,
    message: 'No such endpoint. See /api/openapi.json for the API.',
  },
  CT_OVERLOADED: {
    status: 503,
    message: 'The write buffer is full. Retry after a short back-off; nothing from this request was stored.',
  },
  CT_SHUTTING_DOWN: {
    status: 503,
    message: 'The server is shutting down. Retry against another node or after restart; nothing from this request was stored.',
  },
  CT_STORE_UNAVAILABLE: {
    status: 503,
    message: 'A store failed to write. Nothing from this request was acknowledged; retry later.',
  },
  CT_QUERY_OUT_OF_MEMORY: {
    status: 503,
    message: 'The query needed more memory than its budget (CRUMBTRAIL_QUERY_MEMORY_MB). Narrow it with from/to or where, or raise the budget and restart.',
  },
  CT_INTERNAL: {
    status: 500,
    message: 'Unexpected server error. It has been logged; retry, and report it if it persists.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export class CrumbtrailError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, detailMessage?: string, details?: unknown) {
    const entry = ERROR_CATALOG[code];
    super(detailMessage ? `${entry.message} ${detailMessage}` : entry.message);
    this.name = 'CrumbtrailError';
    this.code = code;
    this.status = entry.status;
    this.details = details;
  }

  toJSON(): { success: false; code: ErrorCode; message: string; details?: unknown } {
    return {
      success: false,
      code: this.code,
      message: this.message,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}
