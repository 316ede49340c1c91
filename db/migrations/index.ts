import type { Knex } from 'knex';
import * as m0001 from './0001-catalogue';
import * as m0002 from './0002-journal';
import * as m0003 from './0003-registry';
import * as m0004 from './0004-registry-guard';
import * as m0005 from './0005-administration';
import * as m0006 from './0006-attempt-counts';
import * as m0007 from './0007-journal-time-index';
import * as m0008 from './0008-batch-signatures';

/**
 * Migrations listed in code (not read from a folder) so the bundled main process carries them.
 * Never edit one that has landed: add the next number.
 */
const migrations: [string, Knex.Migration][] = [
  ['0001-catalogue', m0001],
  ['0002-journal', m0002],
  ['0003-registry', m0003],
  ['0004-registry-guard', m0004],
  ['0005-administration', m0005],
  ['0006-attempt-counts', m0006],
  ['0007-journal-time-index', m0007],
  ['0008-batch-signatures', m0008],
];

export function knownMigrationNames(): string[] {
  return migrations.map(([n]) => n);
}

export const migrationSource: Knex.MigrationSource<[string, Knex.Migration]> = {
  getMigrations: async () => migrations,
  getMigrationName: ([name]) => name,
  getMigration: async ([, m]) => m,
};

/** Migrations up to and including `name` (for migration tests: migrate to N−1, then to N). */
export function migrationSourceUpTo(name: string): Knex.MigrationSource<[string, Knex.Migration]> {
  const i = migrations.findIndex(([n]) => n === name);
  if (i < 0) throw new Error(`unknown migration ${name}`);
  return { ...migrationSource, getMigrations: async () => migrations.slice(0, i + 1) };
}
