import fs from 'node:fs';
import path from 'node:path';
import { newSecret } from '../core/ids.js';

export interface Credentials {
  adminToken: string;
  writeKey: string;
}

const FILE = 'credentials.json';

/**
 * The admin token and the default source's write key. Configured values win; otherwise they are generated on
 * first start, kept in the data folder (mode 0600) and reused. `generated` lists what was created now, so
 * the caller prints those once.
 */
export function loadCredentials(
  dataDir: string,
  configured: Partial<Credentials>,
): Credentials & { generated: (keyof Credentials)[] } {
  const file = path.join(dataDir, FILE);
  const stored: Partial<Credentials> = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Credentials>) : {};
  const generated: (keyof Credentials)[] = [];
  const pick = (key: keyof Credentials, prefix: string): string => {
    const value = configured[key] ?? stored[key];
    if (value) return value;
    generated.push(key);
    return newSecret(prefix);
  };
  const credentials = { adminToken: pick('adminToken', 'ct_admin_'), writeKey: pick('writeKey', 'ct_wk_') };
  if (generated.length > 0) {
    const keep = { ...stored, ...Object.fromEntries(generated.map((k) => [k, credentials[k]])) };
    fs.writeFileSync(file, `${JSON.stringify(keep, null, 2)}\n`, { mode: 0o600 });
  }
  return { ...credentials, generated };
}
