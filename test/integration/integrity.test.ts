import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { OffsetClock } from '../../main/clock';
import { createServices, type Services } from '../../main/services';
import { createDispatcher } from '../../main/transport/dispatch';
import { openConfSettings } from '../../main/settings/conf-store';
import { registryRows } from '../../db/registry';
import { repoRoot, tmpDir } from '../helpers/tmp';

/**
 * Tampering as an attacker with file access would do it: the sqlite3 CLI on the console's
 * database while the console is stopped (or running), then the real service graph started on it.
 */
const silent = { info() {}, warn() {}, error() {} };
const ORIGIN = 'http://127.0.0.1:5997';
const DAY = 24 * 3600 * 1000;
const base = { siteId: 'tripode', motive: 'degradations', justification: 'Dégradations signalées dans le hall ce soir.', serviceId: 'pm-charenton' };
const OP = { matricule: 'OP101', role: 'operateur' as const, designated: true };

async function boot(dir: string, clock: OffsetClock): Promise<Services> {
  const s = await createServices({ shell: 'headless', dataDir: dir, assetsDir: path.join(repoRoot, 'assets'), settings: openConfSettings(dir), clock, log: silent });
  s.allowOrigin(ORIGIN);
  return s;
}

function sqlite(file: string, sql: string): string {
  return execFileSync('sqlite3', [file, sql], { encoding: 'utf8' });
}

/** What a killed process leaves: timers stopped, nothing journaled, files closed. */
async function crash(s: Services): Promise<void> {
  s.grants.halt();
  await s.integrity.stop();
  s.attempts.halt();
  await s.relay.close();
  await s.mirror.close();
  await s.db.destroy();
}

async function entries(s: Services, kind: string) {
  return (await s.db('journal').where({ kind }).orderBy('seq')).map((r: any) => ({ ...r, payload: JSON.parse(r.payload) }));
}

describe('integrity: tampering is caught at start and while running', () => {
  test('a clean console starts ok, verified up to its last entry, with nothing journaled about it', async () => {
    const t = tmpDir('csu-integrity-');
    const s = await boot(t.dir, new OffsetClock());
    try {
      const last = await s.db('journal').orderBy('seq', 'desc').first('seq', 'hash');
      expect(s.integrity.status()).toMatchObject({ state: 'ok', verifiedSeq: last?.seq ?? 0 });
      expect(await entries(s, 'registry.verified')).toEqual([]);
      // A login journals an entry; asked for right away, the state covers it (not « aucune entrée », not 5 s late).
      const dispatch = createDispatcher(s.handlers, silent, () => s.session.operator);
      await dispatch('session.login', { matricule: 'SUP201', password: 'demo-superviseur' }, { transport: 'ws' });
      const head = await s.db('journal').orderBy('seq', 'desc').first('seq', 'hash');
      expect(head.seq).toBeGreaterThan(last?.seq ?? 0);
      expect(await dispatch('integrity.status', undefined, { transport: 'ws' })).toMatchObject({ ok: true, value: { state: 'ok', verifiedSeq: head.seq, headHash: head.hash } });
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 30000);

  test('the registry table refuses edits; with its triggers dropped, a forged re-opening is caught, journaled, rebuilt and never resumed', async () => {
    const t = tmpDir('csu-integrity-');
    const clock = new OffsetClock();
    let s = await boot(t.dir, clock);
    const file = path.join(t.dir, 'console.sqlite');
    const r = await s.grants.request({ ...base, cameraIds: ['tripode-hall-bercy'], durationMin: 120 }, 'OP101');
    if (!r.accepted) throw new Error('refused');
    clock.advance(10 * 60000);
    await s.grants.stop(r.grant.id, OP);
    await s.close();

    const forge = `UPDATE registry SET ended_at = NULL, end_reason = NULL, ends_at = ${clock.now() + 30 * DAY} WHERE grant_id = '${r.grant.id}'`;
    expect(() => sqlite(file, forge)).toThrow(/derived from the journal/);
    expect(() => sqlite(file, `DELETE FROM registry`)).toThrow(/derived from the journal/);
    expect(() => sqlite(file, `UPDATE registry SET operator_name = 'Quelqu''un d''autre'`)).toThrow(/derived from the journal/);
    sqlite(file, `DROP TRIGGER registry_no_update; ${forge}; UPDATE registry SET motive = 'vols';`);
    expect(sqlite(file, `SELECT ended_at IS NULL, motive FROM registry WHERE grant_id = '${r.grant.id}'`).trim()).toBe('1|vols');

    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    s = await boot(t.dir, clock);
    try {
      const accepted = (await entries(s, 'request.accepted')).find((e) => e.payload.grantId === r.grant.id)!;
      expect(s.integrity.status()).toMatchObject({ state: 'altered', firstBrokenSeq: accepted.seq, reason: 'projection' });
      expect((await entries(s, 'registry.verified')).map((e) => e.payload)).toEqual([expect.objectContaining({ ok: false, firstBrokenSeq: accepted.seq, reason: 'projection' })]);
      // The journal decides: the grant stays ended, nothing is resumed, no stream opens.
      expect(s.grants.list()).toEqual([]);
      expect(await entries(s, 'transmission.resumed')).toEqual([]);
      await expect(s.grants.openStreams(r.grant.id, OP)).rejects.toMatchObject({ code: 'GRANT_NOT_ACTIVE' });
      const row = (await registryRows(s.db)).find((x) => x.grantId === r.grant.id)!;
      expect(row).toMatchObject({ motive: 'degradations', endReason: 'stopped_by_operator', effectiveMin: 10 });
      // The console keeps working.
      await s.session.login('OP101', 'demo-operateur');
      expect((await s.grants.request({ ...base, cameraIds: ['tripode-sous-sol'], durationMin: 120 }, 'OP101')).accepted).toBe(true);
      // Node emits a TimeoutOverflowWarning on the next tick after the setTimeout that overflows.
      await new Promise((res) => setImmediate(res));
      expect(warnings.filter((w) => w === 'TimeoutOverflowWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await s.close();
      t.cleanup();
    }
  }, 60000);

  test('one byte of a journal payload changed: the break is named at start, journaled, and requests still work', async () => {
    const t = tmpDir('csu-integrity-');
    const clock = new OffsetClock();
    let s = await boot(t.dir, clock);
    const file = path.join(t.dir, 'console.sqlite');
    const r = await s.grants.request({ ...base, cameraIds: ['tripode-hall-bercy'], durationMin: 120 }, 'OP101');
    if (!r.accepted) throw new Error('refused');
    await crash(s); // the grant stays open in the journal
    const seq = Number(sqlite(file, `SELECT seq FROM journal WHERE kind = 'request.accepted'`).trim());
    expect(() => sqlite(file, `UPDATE journal SET payload = replace(payload, 'Dégradations', 'Degradations') WHERE seq = ${seq}`)).toThrow(/append-only/);
    sqlite(file, `DROP TRIGGER journal_no_update; UPDATE journal SET payload = replace(payload, 'Dégradations', 'Degradations') WHERE seq = ${seq}`);

    s = await boot(t.dir, clock);
    try {
      expect(s.integrity.status()).toMatchObject({ state: 'altered', firstBrokenSeq: seq, verifiedSeq: seq - 1, reason: 'hash' });
      expect((await entries(s, 'registry.verified')).map((e) => e.payload)).toEqual([expect.objectContaining({ ok: false, firstBrokenSeq: seq, reason: 'hash' })]);
      // Its grant came after the break: not trusted with images, ended as a fault.
      const ended = (await entries(s, 'transmission.ended')).find((e) => e.payload.grantId === r.grant.id)!;
      expect(ended.payload).toMatchObject({ reason: 'fault' });
      await s.session.login('OP101', 'demo-operateur');
      expect((await s.grants.request({ ...base, cameraIds: ['tripode-sous-sol'], durationMin: 120 }, 'OP101')).accepted).toBe(true);
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 60000);

  test('while running: a forged row appended behind the console is caught by the next incremental check', async () => {
    const t = tmpDir('csu-integrity-');
    const s = await boot(t.dir, new OffsetClock());
    const file = path.join(t.dir, 'console.sqlite');
    try {
      await s.session.login('OP101', 'demo-operateur');
      expect((await s.integrity.verifyNew()).state).toBe('ok');
      const head = s.integrity.status().verifiedSeq;
      const consoleId = s.consoleId;
      sqlite(
        file,
        `INSERT INTO journal (console_id, seq, uuid, ts, kind, actor, payload, prev_hash, hash) VALUES ('${consoleId}', ${head + 1}, '2b0c6f4e-4a5e-4c9b-9d63-2f1f4a1c8e11', 1, 'session.opened', 'OP999', '{"matricule":"OP999"}', '${'a'.repeat(64)}', '${'b'.repeat(64)}')`,
      );
      expect(await s.integrity.verifyNew()).toMatchObject({ state: 'altered', firstBrokenSeq: head + 1, reason: 'prev_hash', verifiedSeq: head });
      expect((await entries(s, 'registry.verified')).map((e) => e.payload)).toEqual([expect.objectContaining({ firstBrokenSeq: head + 1 })]);
      // Still working.
      expect((await s.grants.request({ ...base, cameraIds: ['tripode-sous-sol'], durationMin: 120 }, 'OP101')).accepted).toBe(true);
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 60000);
});
