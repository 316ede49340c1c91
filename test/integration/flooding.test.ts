import path from 'node:path';
import { OffsetClock } from '../../main/clock';
import { createServices, type Services } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { repoRoot, tmpDir } from '../helpers/tmp';

/**
 * Hostile repetition on the real service graph (real SQLite file): refusals and failed logins
 * beyond five a minute per matricule become one summary entry per minute, counted to the last.
 */
const silent = { info() {}, warn() {}, error() {} };
const MIN = 60000;
const refusedRequest = { siteId: 'tripode', cameraIds: ['tripode-hall-bercy'], motive: 'degradations', justification: 'Dégradations signalées dans le hall ce soir.', durationMin: 120, serviceId: 'pm-charenton' };

async function boot(dir: string, clock: OffsetClock): Promise<Services> {
  return createServices({ shell: 'headless', dataDir: dir, assetsDir: path.join(repoRoot, 'assets'), settings: openConfSettings(dir), clock, log: silent });
}

async function entries(s: Services, kind: string) {
  return (await s.db('journal').where({ kind }).orderBy('seq')).map((r: any) => ({ ...r, payload: JSON.parse(r.payload) }));
}

/** A clock at the start of a minute, so the attempts below all fall in one. */
function clockAtMinuteStart(): OffsetClock {
  const clock = new OffsetClock();
  clock.advance(MIN - (clock.now() % MIN) + 1000);
  return clock;
}

describe('journal flooding', () => {
  test('300 refused requests in a minute: 5 entries, then one « 295 tentatives refusées » summary once the minute is over', async () => {
    const t = tmpDir('csu-flood-');
    const clock = clockAtMinuteStart();
    const s = await boot(t.dir, clock);
    try {
      const before = Number((await s.db('journal').count({ n: '*' }).first())!.n);
      for (let i = 0; i < 300; i++) expect((await s.grants.request(refusedRequest, 'OP102')).accepted).toBe(false);
      expect(await entries(s, 'request.refused')).toHaveLength(5);
      await s.attempts.flush();
      expect(await entries(s, 'attempts.summarised')).toEqual([]); // the minute is not over yet
      clock.advance(MIN);
      await s.attempts.flush();
      const summaries = await entries(s, 'attempts.summarised');
      expect(summaries.map((e) => e.payload)).toEqual([{ of: 'request.refused', key: 'OP102', from: expect.any(Number), to: expect.any(Number), count: 295, reasons: { OPERATOR_NOT_DESIGNATED: 295 } }]);
      expect(summaries[0]!.payload.to - summaries[0]!.payload.from).toBe(MIN);
      const after = Number((await s.db('journal').count({ n: '*' }).first())!.n);
      expect(after - before).toBe(6);
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 120000);

  test('60 failed logins then a crash: the lock holds after restart, the counts left behind are journaled at start', async () => {
    const t = tmpDir('csu-flood-');
    const clock = clockAtMinuteStart();
    let s = await boot(t.dir, clock);
    for (let i = 0; i < 60; i++) await expect(s.session.login('OP101', 'wrong-password')).rejects.toMatchObject({ code: i < 4 ? 'LOGIN_FAILED' : 'ACCOUNT_LOCKED' });
    const failed = await entries(s, 'session.login_failed');
    expect(failed).toHaveLength(5);
    expect(failed[4]!.payload).toMatchObject({ reason: 'bad_password', lockedUntil: expect.any(Number) });
    // Killed before the minute's summary: nothing journaled yet, the counts are in the database.
    s.grants.halt();
    await s.integrity.stop();
    s.attempts.halt();
    await s.relay.close();
    await s.mirror.close();
    await s.db.destroy();

    clock.advance(MIN);
    s = await boot(t.dir, clock);
    try {
      const summaries = await entries(s, 'attempts.summarised');
      expect(summaries.map((e) => e.payload)).toEqual([expect.objectContaining({ of: 'session.login_failed', key: 'OP101', count: 55, reasons: { locked: 55 } })]);
      await expect(s.session.login('OP101', 'demo-operateur')).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });
      clock.advance(5 * MIN);
      await expect(s.session.login('OP101', 'demo-operateur')).resolves.toMatchObject({ matricule: 'OP101' });
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 120000);
});
