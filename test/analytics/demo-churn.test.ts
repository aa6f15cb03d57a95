import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpSink } from '../../src/cli/import/sink.js';
import { runDemo } from '../../src/demo/run.js';
import { PLANTED_RUN } from '../../src/demo/planted.js';
import { WRITE_KEY } from '../support/server.js';
import { analyticsServer, type AnalyticsServer } from './support.js';

/*
 * The demo history plants three hidden causes of cancellation (docs/demo-data.md): billing problems (Payment
 * Failed), bad support (tickets resolved late or with low CSAT) and slow onboarding. churn-drivers, asked
 * about every event name with no hint, must put the billing and support breadcrumbs on top.
 */
describe('churn-drivers on the demo history', () => {
  let s: AnalyticsServer;
  before(async () => {
    s = await analyticsServer();
    await runDemo({ customers: 700, days: 365, seed: PLANTED_RUN.seed, endMs: Date.parse(PLANTED_RUN.end), batchSize: 2000 }, new HttpSink({ url: s.server.url, writeKey: WRITE_KEY }));
  });
  after(() => s?.dispose());

  // The breadcrumbs the planted causes leave: failed payments; tickets, refunds of damaged items; and the
  // complaints (Social Mention) half of the affected customers post.
  const PLANTED_BREADCRUMBS = ['Payment Failed', 'Ticket Opened', 'Ticket Resolved', 'Order Refunded', 'Social Mention'];

  test('with no hint, the planted billing and support causes come out on top', async () => {
    const r = await s.ok('churn-drivers', { churnEvent: { event: 'Subscription Cancelled' }, lookback: '60d', population: { event: 'Subscription Started' } });
    const shown = JSON.stringify(r.signals.slice(0, 6).map((x: any) => [x.signal, x.churnedShare.toFixed(3), x.retainedShare.toFixed(3), x.pValue.toExponential(1)]));
    assert.ok(r.churned >= 50, `enough churners to test: ${r.churned}`);
    assert.equal(r.signals[0].signal, 'Payment Failed', shown);
    const risks = r.signals.filter((x: any) => x.significant && (x.lift === null || x.lift > 1));
    assert.ok(risks.length >= 3, shown);
    for (const signal of risks) assert.ok(PLANTED_BREADCRUMBS.includes(signal.signal), `${signal.signal} is not a planted cause: ${shown}`);
    assert.ok(risks.slice(0, 4).some((x: any) => x.signal.startsWith('Ticket')), shown);
    // Decoys everyone leaves are not flagged.
    for (const decoy of ['Product Viewed', '$page', 'Page Engagement']) {
      const found = r.signals.find((x: any) => x.signal === decoy);
      assert.ok(found === undefined || !(found.significant && found.lift > 1.5), `${decoy}: ${JSON.stringify(found)}`);
    }
  });

  test('named signals with property filters: the planted support definition', async () => {
    const r = await s.ok('churn-drivers', {
      population: { event: 'Subscription Started' },
      signals: [
        { name: 'low csat', event: 'Ticket Resolved', where: [{ property: 'csat', op: 'lte', value: 2 }] },
        { name: 'slow resolution', event: 'Ticket Resolved', where: [{ property: 'resolution_hours', op: 'gte', value: 72 }] },
        { name: 'browsing', event: 'Product Viewed' },
      ],
      minSupport: 3,
    });
    const byName = Object.fromEntries(r.signals.map((x: any) => [x.signal, x]));
    const support = ['low csat', 'slow resolution'].filter((n) => byName[n]?.significant && (byName[n].lift === null || byName[n].lift > 3));
    assert.ok(support.length >= 1, JSON.stringify(r.signals));
    assert.equal(r.signals[0].signal === 'browsing', false, JSON.stringify(r.signals));
  });
});
