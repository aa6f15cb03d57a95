import { attribution } from './attribution.js';
import { cartAbandonment } from './cart-abandonment.js';
import { churnDrivers } from './churn-drivers.js';
import { engagement } from './engagement.js';
import { funnel } from './funnel.js';
import type { QueryKind } from './kind.js';
import { lifecycle } from './lifecycle.js';
import { onboarding } from './onboarding.js';
import { paths } from './paths.js';
import { retention } from './retention.js';

/** Every query kind, by the name used in POST /api/query/{kind} and `crumbtrail query {kind}`. */
export const QUERY_KINDS: QueryKind[] = [funnel, churnDrivers, cartAbandonment, engagement, paths, attribution, retention, onboarding, lifecycle];
