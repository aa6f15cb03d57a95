import { ClickHouseConnection } from './connection.js';
import { parseClickHouseUrl } from './connection-url.js';
import { tablesIn } from './schema.js';
import { sql } from './sql-literals.js';

/**
 * DROP DATABASE for the database named in `url`, with everything in it. Kept out of the EventStore on
 * purpose (nothing in the running server can drop the log); the contract tests' fixture uses it to remove
 * its throwaway database.
 */
export async function dropClickHouseDatabase(url: string): Promise<void> {
  const target = parseClickHouseUrl(url);
  const connection = await ClickHouseConnection.open(target);
  try {
    await connection.command(sql`DROP DATABASE IF EXISTS ${tablesIn(target.database).database}`);
  } finally {
    await connection.close();
  }
}
