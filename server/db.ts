/** The central server's database: PostgreSQL in production, an SQLite file for the embedded demo. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import * as m0001 from './migrations/0001-server';
import * as m0002 from './migrations/0002-interruptions';
import * as m0003 from './migrations/0003-registry-scope';

const migrations: [string, Knex.Migration][] = [
  ['0001-server', m0001],
  ['0002-interruptions', m0002],
  ['0003-registry-scope', m0003],
];
const migrationSource: Knex.MigrationSource<[string, Knex.Migration]> = {
  getMigrations: async () => migrations,
  getMigrationName: ([n]) => n,
  getMigration: async ([, m]) => m,
};

export async function openServerDb(url: string): Promise<Knex> {
  let db: Knex;
  if (/^postgres(ql)?:\/\//.test(url)) {
    db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 10 } });
  } else {
    const file = path.resolve(url.replace(/^sqlite:/, ''));
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    db = knex({
      client: 'sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: { run: (sql: string, cb: (e: Error | null) => void) => void }, done: (e: Error | null, c: unknown) => void) {
          conn.run('PRAGMA journal_mode = WAL', () => conn.run('PRAGMA synchronous = FULL', () => conn.run('PRAGMA busy_timeout = 5000', (e) => done(e, conn))));
        },
      },
    });
  }
  await db.migrate.latest({ migrationSource, tableName: 'server_migrations' });
  return db;
}
