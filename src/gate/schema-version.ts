/** One step of an object's SQLite schema, run once, in order. */
export type Migration = (sql: SqlStorage) => void;

/**
 * Brings an object's SQLite schema to the latest version: the version reached is
 * stored in the object (`schema_version`), and each migration after it runs once,
 * in order, in one transaction with the version bump. A constructor calls this
 * (synchronous SQL only), so no request sees a half-migrated object.
 */
export function migrateSchema(storage: DurableObjectStorage, migrations: readonly Migration[]): void {
  const sql = storage.sql;
  sql.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const current = sql.exec<{ version: number }>('SELECT version FROM schema_version').toArray()[0]?.version ?? 0;
  if (current >= migrations.length) return;
  storage.transactionSync(() => {
    for (let v = current; v < migrations.length; v++) migrations[v]!(sql);
    sql.exec('DELETE FROM schema_version');
    sql.exec('INSERT INTO schema_version (version) VALUES (?)', migrations.length);
  });
}
