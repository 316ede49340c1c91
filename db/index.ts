import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { DbError } from './errors';
import { migrationSource, knownMigrationNames } from './migrations';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Refuse anything that is not an SQLite file before knex touches it: a registry is never replaced. */
function checkHeader(file: string): void {
  if (!existsSync(file)) return;
  const size = statSync(file).size;
  if (size === 0) return;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    const n = readSync(fd, head, 0, 16, 0);
    if (n < 16 || !head.equals(SQLITE_MAGIC)) {
      throw new DbError('DB_NOT_SQLITE', `${file} is not an SQLite database`, { file });
    }
  } finally {
    closeSync(fd);
  }
}

export interface OpenOptions {
  /** Run pending migrations (default true). */
  migrate?: boolean;
  busyTimeoutMs?: number;
  /** Where knex's own warnings go (English, for the log); the errors are thrown anyway. */
  log?: (message: string) => void;
}

/**
 * Opens the console's database. Every connection is set for a registry that must survive a
 * power cut: WAL, synchronous=FULL (a commit is on disk when acknowledged), foreign keys on.
 * One connection: SQLite serialises writers anyway, and the journal's seq relies on it.
 */
export async function openDatabase(file: string, opts: OpenOptions = {}): Promise<Knex> {
  const abs = path.resolve(file);
  mkdirSync(path.dirname(abs), { recursive: true, mode: 0o700 });
  checkHeader(abs);
  const busy = opts.busyTimeoutMs ?? 5000;
  const db = knex({
    client: 'sqlite3',
    connection: { filename: abs },
    useNullAsDefault: true,
    log: {
      warn: (m: unknown) => opts.log?.(`knex: ${String(m)}`),
      error: (m: unknown) => opts.log?.(`knex: ${String(m)}`),
      deprecate: (m: unknown) => opts.log?.(`knex: ${String(m)}`),
      debug: () => undefined,
    },
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { run: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) {
        const pragmas = ['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = FULL', 'PRAGMA foreign_keys = ON', `PRAGMA busy_timeout = ${busy}`];
        const next = (i: number): void => {
          if (i === pragmas.length) return done(null, conn);
          conn.run(pragmas[i]!, (err) => (err ? done(err, conn) : next(i + 1)));
        };
        next(0);
      },
    },
  });
  try {
    // A corrupt file passes the header check but fails here.
    await db.raw('SELECT count(*) FROM sqlite_master');
    await refuseNewerSchema(db, abs);
    if (opts.migrate !== false) await db.migrate.latest({ migrationSource });
  } catch (err) {
    await db.destroy();
    if (err instanceof DbError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    if (/SQLITE_NOTADB|file is not a database/i.test(msg)) throw new DbError('DB_NOT_SQLITE', `${abs} is not an SQLite database`, { file: abs });
    throw new DbError('DB_OPEN_FAILED', `cannot open ${abs}: ${msg}`, { file: abs });
  }
  return db;
}

async function refuseNewerSchema(db: Knex, file: string): Promise<void> {
  const has = await db.schema.hasTable('knex_migrations');
  if (!has) return;
  const rows: { name: string }[] = await db('knex_migrations').select('name');
  const known = new Set(knownMigrationNames());
  const unknown = rows.map((r) => r.name).filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new DbError('DB_SCHEMA_NEWER', `${file} was written by a newer version of the console (migrations ${unknown.join(', ')})`, { file, unknown });
  }
}

export type { Knex };
