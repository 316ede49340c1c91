import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db';
import { canonicalJson, entryHash, GENESIS_HASH } from '../../db/journal-codec';
import { migrationSource, migrationSourceUpTo } from '../../db/migrations';
import { grantEntries } from '../helpers/db';
import { repoRoot, tmpDir } from '../helpers/tmp';

/** Each migration: migrate to N−1, insert, migrate to N, check the rows. */
async function at(name: string | undefined) {
  const t = tmpDir('csu-mig-');
  const db = await openDatabase(path.join(t.dir, 'm.sqlite'), { migrate: false });
  if (name) await db.migrate.latest({ migrationSource: migrationSourceUpTo(name) });
  return { db, cleanup: async () => (await db.destroy(), t.cleanup()) };
}

describe('migrations', () => {
  test('each migration is self-contained: it imports only knex, never code that can change later', () => {
    const dir = path.join(repoRoot, 'db', 'migrations');
    const files = readdirSync(dir).filter((f) => /^\d{4}-.*\.ts$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      const staticImports = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
      const dynamicImports = [...text.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      const sources = [...staticImports, ...dynamicImports];
      expect({ file: f, imports: sources.filter((s) => s !== 'knex') }).toEqual({ file: f, imports: [] });
    }
  });

  test('0001-catalogue: from empty, catalogue tables take rows and refuse bad zones and durations', async () => {
    const { db, cleanup } = await at(undefined);
    await db.migrate.latest({ migrationSource: migrationSourceUpTo('0001-catalogue') });
    await db('bailleurs').insert({ id: 'i3f', name: 'I3F' });
    await db('sites').insert({ id: 's', name: 'S', bailleur_id: 'i3f', addresses: '["a"]', town: 'T', homes: 1 });
    await db('cameras').insert({ id: 'c', site_id: 's', label: 'L', zone: 'hall', source_url: 'sim:L' });
    await expect(db('cameras').insert({ id: 'c2', site_id: 's', label: 'L', zone: 'toit', source_url: 'sim:L' })).rejects.toThrow(/zone/);
    await expect(db('conventions').insert({ id: 'v', site_id: 's', parties: '[]', valid_from: '2026-01-01', valid_to: '2026-12-31', motives: '[]', min_duration_min: 60 })).rejects.toThrow(/120\.\.720/);
    await expect(db('sites').insert({ id: 's2', name: 'S', bailleur_id: 'nobody', addresses: '[]', town: 'T', homes: 1 })).rejects.toThrow(/FOREIGN KEY/);
    expect(await db('cameras').select('id')).toEqual([{ id: 'c' }]);
    await cleanup();
  });

  test('0002-journal: catalogue rows survive; the journal appears append-only', async () => {
    const { db, cleanup } = await at('0001-catalogue');
    await db('bailleurs').insert({ id: 'i3f', name: 'I3F' });
    await db.migrate.latest({ migrationSource: migrationSourceUpTo('0002-journal') });
    expect(await db('bailleurs').select()).toEqual([{ id: 'i3f', name: 'I3F' }]);
    const e = { seq: 1, uuid: '2b0c6f4e-4a5e-4c9b-9d63-2f1f4a1c8e11', console_id: 'poste-1', ts: 1, kind: 'session.opened', actor: 'OP101', payload: { matricule: 'OP101' }, prev_hash: GENESIS_HASH };
    await db('journal').insert({ ...e, payload: canonicalJson(e.payload), hash: entryHash(e as never) });
    await expect(db('journal').update({ actor: 'x' })).rejects.toThrow(/append-only/);
    await cleanup();
  });

  test('0003-registry: grants journaled before the migration get their registry rows', async () => {
    const { db, cleanup } = await at('0002-journal');
    let prev = GENESIS_HASH;
    let seq = 0;
    const t0 = Date.UTC(2026, 2, 1, 9, 0);
    const inputs = [...grantEntries(t0, { grantId: 'g1' }), ...grantEntries(t0 + 3600000, { grantId: 'g2', durationMin: 240 })];
    inputs.push({ kind: 'transmission.ended', actor: 'system', ts: t0 + 7200000, payload: { grantId: 'g1', reason: 'expired', scheduledEndAt: t0 + 7200000, observedAt: t0 + 7200040, endedAt: t0 + 7200040 } });
    for (const i of inputs) {
      const e = { seq: ++seq, uuid: `2b0c6f4e-4a5e-4c9b-9d63-2f1f4a1c8e${String(seq).padStart(2, '0')}`, console_id: 'poste-1', ts: i.ts, kind: i.kind, actor: i.actor, payload: i.payload, prev_hash: prev };
      const hash = entryHash(e as never);
      await db('journal').insert({ ...e, payload: canonicalJson(e.payload), hash });
      prev = hash;
    }
    await db.migrate.latest({ migrationSource });
    const rows = await db('registry').orderBy('starts_at').select('grant_id', 'granted_min', 'end_reason', 'accepted_seq', 'ended_seq');
    expect(rows).toEqual([
      { grant_id: 'g1', granted_min: 120, end_reason: 'expired', accepted_seq: 1, ended_seq: 5 },
      { grant_id: 'g2', granted_min: 240, end_reason: null, accepted_seq: 3, ended_seq: null },
    ]);
    await cleanup();
  });

  test('0004-registry-guard: rows keep their values (no interruption yet); the view refuses DELETE and every UPDATE but an open grant ending', async () => {
    const { db, cleanup } = await at('0003-registry');
    const t0 = Date.UTC(2026, 2, 1, 9, 0);
    const row = (grant_id: string, ended: boolean) => ({ grant_id, console_id: 'poste-1', requested_at: t0, starts_at: t0, ends_at: t0 + 7200000, granted_min: 120, site_id: 's', site_name: 'S', service_id: 'pm', service_name: 'PM', motive: 'vols', justification: 'Vol signalé au parking ce soir.', cameras: '[]', operator_matricule: 'OP101', operator_name: 'C. D.', accepted_seq: 1, ...(ended ? { ended_at: t0 + 600000, end_reason: 'stopped_by_operator', ended_seq: 3 } : {}) });
    await db('registry').insert([row('open', false), row('ended', true)]);
    await db.migrate.latest({ migrationSource: migrationSourceUpTo('0004-registry-guard') });
    expect(await db('registry').orderBy('grant_id').select('grant_id', 'interrupted_ms', 'ended_at')).toEqual([
      { grant_id: 'ended', interrupted_ms: 0, ended_at: t0 + 600000 },
      { grant_id: 'open', interrupted_ms: 0, ended_at: null },
    ]);
    await expect(db('registry').where({ grant_id: 'ended' }).update({ ended_at: null })).rejects.toThrow(/derived from the journal/);
    await expect(db('registry').where({ grant_id: 'open' }).update({ ends_at: t0 + 30 * 86400000 })).rejects.toThrow(/derived from the journal/);
    await expect(db('registry').where({ grant_id: 'open' }).update({ operator_name: 'X' })).rejects.toThrow(/derived from the journal/);
    await expect(db('registry').where({ grant_id: 'open' }).update({ interrupted_ms: -1 })).rejects.toThrow(/derived from the journal/);
    await expect(db('registry').delete()).rejects.toThrow(/derived from the journal/);
    await db('registry').where({ grant_id: 'open' }).increment('interrupted_ms', 60000);
    await db('registry').where({ grant_id: 'open' }).update({ ended_at: t0 + 7200000, end_reason: 'expired', ended_seq: 4 });
    await expect(db('registry').where({ grant_id: 'open' }).update({ end_reason: 'fault' })).rejects.toThrow(/derived from the journal/);
    await cleanup();
  });

  test('0005-administration: operators, conventions and cameras keep their rows and get the new columns; retention stays within 30 days', async () => {
    const { db, cleanup } = await at('0004-registry-guard');
    await db('bailleurs').insert({ id: 'i3f', name: 'I3F' });
    await db('sites').insert({ id: 's', name: 'S', bailleur_id: 'i3f', addresses: '["a"]', town: 'T', homes: 1 });
    await db('cameras').insert({ id: 'c', site_id: 's', label: 'L', zone: 'hall', source_url: 'rtsp://192.0.2.1/x' });
    await db('conventions').insert({ id: 'v', site_id: 's', parties: '[]', valid_from: '2026-01-01', valid_to: '2026-12-31', motives: '[]' });
    await db('operators').insert({ matricule: 'OP1', name: 'O', role: 'operateur', designated: true, password_hash: 'scrypt$x' });
    await db.migrate.latest({ migrationSource: migrationSourceUpTo('0005-administration') });
    expect(await db('operators').first()).toMatchObject({ matricule: 'OP1', must_change_password: 0, designated_since: null, designation_ref: null });
    expect(await db('conventions').first()).toMatchObject({ id: 'v', recording_allowed: 0, retention_days: null, signed_on: null });
    expect(await db('cameras').first()).toMatchObject({ id: 'c', username: null });
    expect(await db('bailleurs').first()).toMatchObject({ id: 'i3f', active: 1 });
    expect(await db('catalogue_meta').where({ key: 'version' }).first()).toEqual({ key: 'version', value: '1' });
    await expect(db('conventions').where({ id: 'v' }).update({ recording_allowed: true, retention_days: 31 })).rejects.toThrow(/1\.\.30 days/);
    await cleanup();
  });

  test('0006-attempt-counts: registry rows survive; one count row per kind, matricule and minute', async () => {
    const { db, cleanup } = await at('0005-administration');
    expect(await db('registry_guard').select()).toEqual([{ id: 1, rebuilding: 0 }]);
    await db.migrate.latest({ migrationSource: migrationSourceUpTo('0006-attempt-counts') });
    await db('attempt_counts').insert({ of: 'request.refused', key: 'OP102', minute_start: 60000, seen: 6, summarised: 1, reasons: '{"X":1}' });
    await expect(db('attempt_counts').insert({ of: 'request.refused', key: 'OP102', minute_start: 60000 })).rejects.toThrow(/UNIQUE|PRIMARY/);
    expect(await db('registry_guard').select()).toEqual([{ id: 1, rebuilding: 0 }]);
    await cleanup();
  });

  test('0007-journal-time-index: the journal keeps its entries and a period query uses the index', async () => {
    const { db, cleanup } = await at('0006-attempt-counts');
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 3; seq++) {
      const e = { seq, uuid: `2b0c6f4e-4a5e-4c9b-9d63-2f1f4a1c8e1${seq}`, console_id: 'poste-1', ts: seq * 1000, kind: 'session.opened', actor: 'OP101', payload: { matricule: 'OP101' }, prev_hash: prev };
      const hash = entryHash(e as never);
      await db('journal').insert({ ...e, payload: canonicalJson(e.payload), hash });
      prev = hash;
    }
    await db.migrate.latest({ migrationSource: migrationSourceUpTo('0007-journal-time-index') });
    expect((await db('journal').select('seq')).map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3]);
    const plan = await db.raw("EXPLAIN QUERY PLAN SELECT count(*) FROM journal WHERE console_id = 'poste-1' AND ts >= 1000 AND ts < 3000");
    expect(JSON.stringify(plan)).toContain('journal_console_ts');
    await cleanup();
  });

  test('0008-batch-signatures: the journal keeps its entries; signatures are kept once per seq and never changed', async () => {
    const { db, cleanup } = await at('0007-journal-time-index');
    const e = { seq: 1, uuid: '2b0c6f4e-4a5e-4c9b-9d63-2f1f4a1c8e11', console_id: 'poste-1', ts: 1000, kind: 'session.opened', actor: 'OP101', payload: { matricule: 'OP101' }, prev_hash: GENESIS_HASH };
    const hash = entryHash(e as never);
    await db('journal').insert({ ...e, payload: canonicalJson(e.payload), hash });
    await db.migrate.latest({ migrationSource: migrationSourceUpTo('0008-batch-signatures') });
    expect((await db('journal').select('seq')).map((r: { seq: number }) => r.seq)).toEqual([1]);
    await db('journal_signatures').insert({ console_id: 'poste-1', seq: 1, hash, signature: 'c2ln', signed_at: 2000 });
    await expect(db('journal_signatures').insert({ console_id: 'poste-1', seq: 1, hash, signature: 'b3RoZXI=', signed_at: 3000 })).rejects.toThrow();
    await expect(db('journal_signatures').update({ signature: 'x' })).rejects.toThrow(/append-only/);
    await expect(db('journal_signatures').delete()).rejects.toThrow(/append-only/);
    expect(await db('journal_signatures').select('seq', 'signature')).toEqual([{ seq: 1, signature: 'c2ln' }]);
    await cleanup();
  });
});
