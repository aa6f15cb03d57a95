import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseClickHouseUrl } from '../../src/store/event-store/clickhouse/connection-url.js';

describe('ClickHouse connection URL', () => {
  it('reads user, password, host, port and database', () => {
    assert.deepEqual(parseClickHouseUrl('clickhouse://app:s%40cret@ch.example:8124/crumbtrail'), {
      httpUrl: 'http://ch.example:8124',
      username: 'app',
      password: 's@cret',
      database: 'crumbtrail',
      display: 'clickhouse://app@ch.example:8124/crumbtrail',
    });
  });

  it('defaults user, password, port and database; clickhouses:// is HTTPS', () => {
    assert.deepEqual(parseClickHouseUrl('clickhouses://ch.example'), {
      httpUrl: 'https://ch.example:8443',
      username: 'default',
      password: '',
      database: 'default',
      display: 'clickhouses://default@ch.example:8443/default',
    });
    assert.equal(parseClickHouseUrl('clickhouse://default@127.0.0.1:18123').httpUrl, 'http://127.0.0.1:18123');
    assert.equal(parseClickHouseUrl('clickhouse://[::1]:18123/x').httpUrl, 'http://[::1]:18123');
  });

  it('refuses other schemes, options and unsafe database names without echoing the password', () => {
    assert.throws(() => parseClickHouseUrl('postgres://u:p@h/db'), /clickhouse:\/\//);
    assert.throws(() => parseClickHouseUrl('clickhouse://h/db?secure=1'), /not supported/);
    assert.throws(() => parseClickHouseUrl('clickhouse://u:topsecret@h/db`; DROP'), (e: Error) => !e.message.includes('topsecret'));
    assert.throws(() => parseClickHouseUrl('clickhouse://u:topsecret@h:99999/db'), (e: Error) => !e.message.includes('topsecret'));
    assert.throws(() => parseClickHouseUrl('clickhouse://u:top%zzsecret@h/db'), (e: Error) => /%-escape/.test(e.message) && !e.message.includes('secret'));
  });
});
