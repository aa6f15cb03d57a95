import fs from 'node:fs';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Request } from 'playwright-core';
import { startTestServer, type TestServer } from '../../support/server.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Browser tests need Debian's chromium (.ci/run installs it); without it they are skipped with this reason. */
export const SKIP_WITHOUT_CHROMIUM: string | false = fs.existsSync(CHROMIUM_PATH)
  ? false
  : `${CHROMIUM_PATH} is missing (apt-get install -y chromium)`;

/**
 * Headless Chromium; chromium.launch gives it a new, empty profile directory of its own. The host resolver knows only loopback: no page can reach the internet,
 * whatever a script or a link asks for.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
}

/** Every request a context makes, so a test can say exactly what went over the wire (and what did not). */
export function recordRequests(context: BrowserContext): Request[] {
  const requests: Request[] = [];
  context.on('request', (request) => requests.push(request));
  return requests;
}

/** The batches the tracker posted, parsed. */
export function batchesSent(requests: Request[]): { sentAt: string; writeKey: string; batch: any[] }[] {
  return requests.filter((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/v1/batch').map((r) => JSON.parse(r.postData() ?? '{}'));
}

/**
 * A real server on the selected engine pair and a headless Chromium for one describe block: started before its
 * tests (before any `before` the block registers after this call), closed after them.
 */
export function serverAndChromium(): { readonly server: TestServer; readonly chromium: Browser } {
  const session = {} as { server: TestServer; chromium: Browser };
  before(async () => {
    session.server = await startTestServer();
    session.chromium = await launchChromium();
  });
  after(async () => {
    await session.chromium?.close();
    await session.server?.dispose();
  });
  return session;
}
