import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db';
import { DbError } from '../../db/errors';
import { tmpDir } from '../helpers/tmp';

describe('openDatabase (real SQLite files)', () => {
  test('creates a missing folder and sets WAL, synchronous=FULL, foreign keys, busy timeout', async () => {
    const t = tmpDir();
    const file = path.join(t.dir, 'a', 'b', 'console.sqlite');
    const db = await openDatabase(file, { busyTimeoutMs: 4321 });
    const one = async (sql: string) => Object.values((await db.raw(sql))[0])[0];
    expect(await one('PRAGMA journal_mode')).toBe('wal');
    expect(await one('PRAGMA synchronous')).toBe(2); // FULL
    expect(await one('PRAGMA foreign_keys')).toBe(1);
    expect(await one('PRAGMA busy_timeout')).toBe(4321);
    expect(await db.schema.hasTable('journal')).toBe(true);
    await db.destroy();
    t.cleanup();
  });

  test('a file that is not SQLite is refused and left untouched', async () => {
    const t = tmpDir();
    const file = path.join(t.dir, 'console.sqlite');
    writeFileSync(file, 'registre.csv,not a database\n'.repeat(100));
    const before = readFileSync(file);
    await expect(openDatabase(file)).rejects.toMatchObject({ name: 'DbError', code: 'DB_NOT_SQLITE' });
    expect(readFileSync(file).equals(before)).toBe(true);
    t.cleanup();
  });

  test('an SQLite header over garbage is refused and left untouched', async () => {
    const t = tmpDir();
    const file = path.join(t.dir, 'console.sqlite');
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4096, 0xab)]));
    const before = readFileSync(file);
    const err = await openDatabase(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbError);
    expect(readFileSync(file).equals(before)).toBe(true);
    t.cleanup();
  });

  test('a database written by a newer version is refused, not migrated', async () => {
    const t = tmpDir();
    const file = path.join(t.dir, 'console.sqlite');
    const db = await openDatabase(file);
    await db('knex_migrations').insert({ name: '0999-from-the-future', batch: 99, migration_time: new Date() });
    await db.destroy();
    await expect(openDatabase(file)).rejects.toMatchObject({ code: 'DB_SCHEMA_NEWER' });
    t.cleanup();
  });
});
