import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '#libs/postgres';

// Integration tests run on a real Postgres: DATABASE_URL, set by database.global-setup.ts (the given one,
// the local server, or an embedded one). Each test file gets a schema of its own, migrated with the real
// migrations, dropped afterwards.
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  db: DataSource;
  schema: string;
  drop(): Promise<void>;
}

export async function migratedTestDatabase(): Promise<TestDatabase> {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = createDataSource({ url: DATABASE_URL, poolSize: 1 });
  await admin.initialize();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.destroy();
  const db = createDataSource({ url: DATABASE_URL, schema, poolSize: 12 });
  await db.initialize();
  await migrate(db);
  return {
    db,
    schema,
    drop: async () => {
      // and its reporting schema (the views Grafana reads: libs/postgres's reporting migration)
      await db.query(`DROP SCHEMA ${schema}_reporting, ${schema} CASCADE`);
      await db.destroy();
    },
  };
}
