import { openServerDb, SERVER_MIGRATIONS_TABLE, serverMigrationSourceUpTo } from '../../server/db';
import { freshCentralDb } from '../helpers/central';

/** The central server's migrations on both databases: migrate to N−1, insert, migrate to N, check the rows. */
const grantRow = (consoleId: string, grantId: string) => ({
  grant_id: grantId,
  console_id: consoleId,
  requested_at: 1,
  starts_at: 2,
  ends_at: 3,
  granted_min: 120,
  site_id: 's',
  site_name: 'S',
  service_id: 'v',
  service_name: 'V',
  motive: 'vols',
  justification: 'Justification de test.',
  cameras: '[]',
  operator_matricule: 'OP101',
  operator_name: 'Camille',
  accepted_seq: 1,
});

describe.each(['sqlite', 'postgres'] as const)('server migrations on %s', (kind) => {
  test('0003-registry-scope keeps the rows and lets two consoles hold the same grant id; 0004-signatures adds unsigned defaults', async () => {
    const info = await freshCentralDb(kind);
    const db = await openServerDb(info.url, {}, { migrate: false });
    try {
      await db.migrate.latest({ migrationSource: serverMigrationSourceUpTo('0002-interruptions'), tableName: SERVER_MIGRATIONS_TABLE });
      await db('consoles').insert({ id: 'poste-1', token_sha256: 'a'.repeat(64), created_at: 1 });
      await db('registry').insert({ ...grantRow('poste-1', 'g1'), interrupted_ms: 5 });
      await expect(db('registry').insert(grantRow('poste-2', 'g1'))).rejects.toThrow();

      await db.migrate.latest({ migrationSource: serverMigrationSourceUpTo('0003-registry-scope'), tableName: SERVER_MIGRATIONS_TABLE });
      expect(await db('registry').select('console_id', 'grant_id', 'interrupted_ms')).toEqual([{ console_id: 'poste-1', grant_id: 'g1', interrupted_ms: kind === 'postgres' ? '5' : 5 }]);
      await db('registry').insert(grantRow('poste-2', 'g1'));
      await expect(db('registry').insert(grantRow('poste-2', 'g1'))).rejects.toThrow();

      await db.migrate.latest({ migrationSource: serverMigrationSourceUpTo('0004-signatures'), tableName: SERVER_MIGRATIONS_TABLE });
      const c = await db('consoles').where({ id: 'poste-1' }).first('public_key', 'signed', 'enrolment_sha256');
      expect({ ...c, signed: Boolean(c.signed) }).toEqual({ public_key: null, signed: false, enrolment_sha256: null });
      expect(await db('registry').count({ n: '*' }).first()).toMatchObject({ n: kind === 'postgres' ? '2' : 2 });
    } finally {
      await db.destroy();
      await info.drop();
    }
  }, 30000);
  test('0005-catalogue keeps the consoles (none may publish until allowed) and adds an empty catalogue history', async () => {
    const info = await freshCentralDb(kind);
    const db = await openServerDb(info.url, {}, { migrate: false });
    try {
      await db.migrate.latest({ migrationSource: serverMigrationSourceUpTo('0004-signatures'), tableName: SERVER_MIGRATIONS_TABLE });
      await db('consoles').insert({ id: 'poste-1', token_sha256: 'a'.repeat(64), created_at: 1 });
      await db.migrate.latest({ migrationSource: serverMigrationSourceUpTo('0005-catalogue'), tableName: SERVER_MIGRATIONS_TABLE });
      const c = await db('consoles').where({ id: 'poste-1' }).first('id', 'can_publish_catalogue');
      expect({ ...c, can_publish_catalogue: Boolean(c.can_publish_catalogue) }).toEqual({ id: 'poste-1', can_publish_catalogue: false });
      expect(await db('catalogue_versions').count({ n: '*' }).first()).toMatchObject({ n: kind === 'postgres' ? '0' : 0 });
      await db('catalogue_versions').insert({ version: 1, sha256: 'b'.repeat(64), body: '{}', published_by_console: 'poste-1', published_by_operator: 'ADM1', published_at: 5 });
      await expect(db('catalogue_versions').insert({ version: 1, sha256: 'c'.repeat(64), body: '{}', published_by_console: 'poste-1', published_by_operator: 'ADM1', published_at: 6 })).rejects.toThrow();
    } finally {
      await db.destroy();
      await info.drop();
    }
  }, 30000);
});
