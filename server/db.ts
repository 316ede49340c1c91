/** The central server's database: PostgreSQL in production, an SQLite file for the embedded demo. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import * as m0001 from './migrations/0001-server';
import * as m0002 from './migrations/0002-interruptions';
import * as m0003 from './migrations/0003-registry-scope';
import * as m0004 from './migrations/0004-signatures';
import * as m0005 from './migrations/0005-catalogue';

const migrations: [string, Knex.Migration][] = [
  ['0001-server', m0001],
  ['0002-interruptions', m0002],
  ['0003-registry-scope', m0003],
  ['0004-signatures', m0004],
  ['0005-catalogue', m0005],
];
const migrationSource: Knex.MigrationSource<[string, Knex.Migration]> = {
  getMigrations: async () => migrations,
  getMigrationName: ([n]) => n,
  getMigration: async ([, m]) => m,
};

/** The migrations up to and including `name` (migration tests: migrate to N−1, insert, migrate to N). */
export function serverMigrationSourceUpTo(name: string): Knex.MigrationSource<[string, Knex.Migration]> {
  const upTo = migrations.slice(0, migrations.findIndex(([n]) => n === name) + 1);
  return { ...migrationSource, getMigrations: async () => upTo };
}

export const SERVER_MIGRATIONS_TABLE = 'server_migrations';

export interface WaitOptions {
  /** Give up after this long (ms); by default the server waits as long as it takes (systemd starts it before PostgreSQL is up). */
  maxWaitMs?: number;
  /** Told of each failed attempt: the server says it is waiting, and why (the error code, never the URL: it holds the password). */
  onWait?: (attempt: number, retryInMs: number, code: string) => void;
  backoffMinMs?: number;
  backoffMaxMs?: number;
}

/** Waits until PostgreSQL answers, retrying with a doubling delay (0.5 s to 30 s) plus jitter. */
export async function waitForDb(db: Knex, o: WaitOptions = {}): Promise<void> {
  const start = Date.now();
  const min = o.backoffMinMs ?? 500;
  const max = o.backoffMaxMs ?? 30000;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.raw('select 1');
      return;
    } catch (err) {
      const code = String((err as { code?: unknown }).code ?? (err as Error).name ?? 'error');
      const base = Math.min(max, min * 2 ** (attempt - 1));
      const delay = Math.round(base / 2 + Math.random() * (base / 2));
      if (o.maxWaitMs !== undefined && Date.now() - start + delay > o.maxWaitMs) throw new Error(`database not reachable after ${attempt} attempts (${code})`, { cause: err });
      o.onWait?.(attempt, delay, code);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

export async function openServerDb(url: string, wait: WaitOptions = {}, opts: { migrate?: boolean } = {}): Promise<Knex> {
  let db: Knex;
  if (/^postgres(ql)?:\/\//.test(url)) {
    db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 10 } });
    try {
      await waitForDb(db, wait);
    } catch (err) {
      await db.destroy();
      throw err;
    }
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
  if (opts.migrate !== false) await db.migrate.latest({ migrationSource, tableName: SERVER_MIGRATIONS_TABLE });
  return db;
}
