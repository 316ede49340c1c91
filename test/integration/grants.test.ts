import path from 'node:path';
import { OffsetClock } from '../../main/clock';
import { createServices, type Services } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { createDispatcher } from '../../main/transport/dispatch';
import { registryRows } from '../../db/registry';
import { CLOSE_CODES } from '../../main/relay/hub';
import { repoRoot, tmpDir } from '../helpers/tmp';
import { connectStream, waitFor } from '../helpers/ws-client';

/**
 * The grant lifecycle on the real service graph: SQLite file, relay, real ffmpeg feeding the
 * demo's sim: cameras, real timers, a wall clock moved forward instead of waiting hours.
 */
const ORIGIN = 'http://127.0.0.1:5998';
const silent = { info() {}, warn() {}, error() {} };
const MIN = 60000;
const OP101 = { matricule: 'OP101', role: 'operateur' as const, designated: true };

async function boot(dir: string, clock: OffsetClock, login = true): Promise<Services> {
  const services = await createServices({ shell: 'headless', dataDir: dir, assetsDir: path.join(repoRoot, 'assets'), settings: openConfSettings(dir), clock, log: silent });
  services.allowOrigin(ORIGIN);
  if (login) await services.session.login('OP101', 'demo-operateur');
  return services;
}

const base = { siteId: 'tripode', motive: 'degradations', justification: 'Dégradations signalées dans le hall ce soir.', serviceId: 'pm-charenton' };

function alive(pid: number | undefined): boolean {
  try {
    return !!pid && process.kill(pid, 0);
  } catch {
    return false;
  }
}

async function journal(s: Services, kind: string) {
  const rows = await s.db('journal').where({ kind }).orderBy('seq');
  return rows.map((r: any) => ({ ...r, payload: JSON.parse(r.payload) }));
}

describe('grants on the real service graph', () => {
  test('expiry: sockets closed as expired (how soon: the grants bench), ffmpeg gone, end journaled; another grant on the same camera keeps streaming', async () => {
    const t = tmpDir('csu-grants-');
    const clock = new OffsetClock();
    const s = await boot(t.dir, clock);
    const events: { event: string; payload: any }[] = [];
    s.events.subscribe((event, payload) => events.push({ event, payload }));
    try {
      const g1 = await s.grants.request({ ...base, cameraIds: ['tripode-hall-arcade', 'tripode-parking-n1'], durationMin: 120 }, 'OP101');
      const g2 = await s.grants.request({ ...base, cameraIds: ['tripode-hall-arcade'], durationMin: 240, serviceId: 'pn-charenton' }, 'OP101');
      if (!g1.accepted || !g2.accepted) throw new Error('refused');
      const streams1 = await s.grants.openStreams(g1.grant.id, OP101);
      const streams2 = await s.grants.openStreams(g2.grant.id, OP101);
      const c1 = await Promise.all(streams1.map((x) => connectStream(x.url, ORIGIN)));
      const c2 = await connectStream(streams2[0]!.url, ORIGIN);
      await waitFor(() => c1.every((c) => c.bytes() > 10_000) && c2.bytes() > 10_000, 20000, 'streams');

      const endsAt = g1.grant.endsAt;
      clock.advance(endsAt - 10 * MIN + 500 - clock.now());
      s.grants.reschedule();
      await waitFor(() => events.some((e) => e.event === 'grant.warning' && e.payload.grantId === g1.grant.id && e.payload.minutesLeft === 10), 2000, '10-minute warning');
      clock.advance(endsAt - MIN + 500 - clock.now());
      s.grants.reschedule();
      await waitFor(() => events.some((e) => e.event === 'grant.warning' && e.payload.grantId === g1.grant.id && e.payload.minutesLeft === 1), 2000, '1-minute warning');

      const pidParking = s.relay.snapshot().pipes.find((p) => p.cameraId === 'tripode-parking-n1#sub')!.pid;
      const pidHall = s.relay.snapshot().pipes.find((p) => p.cameraId === 'tripode-hall-arcade#sub')!.pid;
      // Two seconds before the end: from here real timers do the work.
      clock.advance(endsAt - 2000 - clock.now());
      s.grants.reschedule();
      const closes = await Promise.all(c1.map((c) => c.closed));
      for (const cl of closes) expect(cl.code).toBe(CLOSE_CODES.expired);
      // How soon after endsAt the bytes stop is a goal, measured by the grants bench (expiry_stop_p99_ms).
      await waitFor(() => !alive(pidParking), 2000, 'parking ffmpeg gone');
      expect(alive(pidHall)).toBe(true); // grant 2 still watches the hall
      const before = c2.bytes();
      await waitFor(() => c2.bytes() > before + 5_000, 5000, 'grant 2 keeps streaming');

      await waitFor(() => events.some((e) => e.event === 'grant.ended' && e.payload.grantId === g1.grant.id), 2000, 'ended event');
      const ended = (await journal(s, 'transmission.ended')).find((e) => e.payload.grantId === g1.grant.id)!;
      expect(ended.payload).toMatchObject({ reason: 'expired', scheduledEndAt: endsAt, endedAt: endsAt });
      expect(ended.payload.observedAt).toBeGreaterThanOrEqual(endsAt);
      await expect(s.grants.openStreams(g1.grant.id, OP101)).rejects.toMatchObject({ code: 'GRANT_NOT_ACTIVE' });
      c2.ws.close();
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 60000);

  test('early stop, quit and restart are journaled and the registry shows effective durations', async () => {
    const t = tmpDir('csu-grants-');
    const clock = new OffsetClock();
    let s = await boot(t.dir, clock);
    const stopped = await s.grants.request({ ...base, cameraIds: ['tripode-sous-sol'], durationMin: 180 }, 'OP101');
    const quit = await s.grants.request({ ...base, cameraIds: ['tripode-hall-bercy'], durationMin: 120 }, 'OP101');
    if (!stopped.accepted || !quit.accepted) throw new Error('refused');
    const streams = await s.grants.openStreams(stopped.grant.id, OP101);
    const client = await connectStream(streams[0]!.url, ORIGIN);
    clock.advance(47 * MIN);
    await s.grants.stop(stopped.grant.id, OP101);
    expect((await client.closed).code).toBe(CLOSE_CODES.stopped_by_operator);
    clock.advance(13 * MIN);
    await s.close(); // application quit with `quit` still active

    // Restart one hour later: both ended, nothing to resume.
    clock.advance(60 * MIN);
    s = await boot(t.dir, clock);
    const rows = await registryRows(s.db);
    const rowStopped = rows.find((r) => r.grantId === stopped.grant.id)!;
    const rowQuit = rows.find((r) => r.grantId === quit.grant.id)!;
    expect(rowStopped).toMatchObject({ grantedMin: 180, effectiveMin: 47, endReason: 'stopped_by_operator' });
    expect(rowQuit).toMatchObject({ grantedMin: 120, effectiveMin: 60, endReason: 'application_stopped' });
    expect(s.grants.list()).toEqual([]);

    // A crash (no quit): one grant still in its window, one whose end passes while the console is down.
    const resumed = await s.grants.request({ ...base, cameraIds: ['tripode-hall-port'], durationMin: 360 }, 'OP101');
    const missed = await s.grants.request({ ...base, cameraIds: ['tripode-parking-n2'], durationMin: 120 }, 'OP101');
    if (!resumed.accepted || !missed.accepted) throw new Error('refused');
    // The process dies: its timers stop, nothing is journaled.
    s.grants.halt();
    await s.integrity.stop();
    s.attempts.halt();
    await s.relay.close();
    await s.mirror.close(); // its loop and the embedded central server die with the process
    await s.db.destroy();
    clock.advance(150 * MIN);
    s = await boot(t.dir, clock);
    try {
      expect(s.grants.list().map((g) => g.id)).toEqual([resumed.grant.id]);
      const resumedEntries = await journal(s, 'transmission.resumed');
      expect(resumedEntries.map((e) => e.payload.grantId)).toEqual([resumed.grant.id]);
      const missedEnd = (await journal(s, 'transmission.ended')).find((e) => e.payload.grantId === missed.grant.id)!;
      expect(missedEnd.payload).toMatchObject({ reason: 'expired', endedAt: missed.grant.endsAt, scheduledEndAt: missed.grant.endsAt, noticedAtStart: true });
      // The console was last seen alive right after the requests: both grants were interrupted
      // from then on, journaled before their resumption or end, and no image flowed meanwhile.
      const interrupted = await journal(s, 'transmission.interrupted');
      expect(interrupted.map((e) => [e.payload.grantId, e.payload.to])).toEqual([
        [resumed.grant.id, interrupted[0]!.ts],
        [missed.grant.id, missed.grant.endsAt],
      ]);
      // From the last mark (rewritten every 3 s) or the grant's start, whichever is later.
      for (const [e, g] of [[interrupted[0]!, resumed.grant], [interrupted[1]!, missed.grant]] as const) {
        expect(e.payload.from).toBeGreaterThanOrEqual(g.startsAt);
        expect(e.payload.from).toBeLessThan(g.startsAt + 10000);
      }
      expect(interrupted[0]!.payload.to - interrupted[0]!.payload.from).toBeGreaterThanOrEqual(150 * MIN - 10000);
      expect(interrupted[0]!.seq).toBeLessThan(resumedEntries[0]!.seq);
      expect(interrupted[1]!.seq).toBeLessThan(missedEnd.seq);
      // The view with its interruptions still agrees with the journal (checked again from scratch).
      expect(await s.integrity.verifyAll()).toMatchObject({ state: 'ok' });
      const rowMissed = (await registryRows(s.db)).find((r) => r.grantId === missed.grant.id)!;
      expect(rowMissed).toMatchObject({ grantedMin: 120, effectiveMin: 0, endReason: 'expired' });
      // The resumed grant opens streams again on demand.
      const again = await s.grants.openStreams(resumed.grant.id, OP101);
      const c = await connectStream(again[0]!.url, ORIGIN);
      await waitFor(() => c.bytes() > 5_000, 20000, 'resumed stream');
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 90000);

  test('a hostile renderer: ended, forged and malformed grant ids are refused; requests need a session', async () => {
    const t = tmpDir('csu-grants-');
    const clock = new OffsetClock();
    const s = await boot(t.dir, clock);
    try {
      const dispatch = createDispatcher(s.handlers, silent, () => s.session.operator);
      const ctx = { transport: 'ws' as const };
      const g = await dispatch('grants.request', { ...base, cameraIds: ['tripode-hall-arcade'], durationMin: 120 }, ctx);
      const grantId = ((g as any).value.grant as { id: string }).id;
      await dispatch('grants.stop', { grantId }, ctx);
      await expect(dispatch('grants.openStreams', { grantId }, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'GRANT_NOT_ACTIVE' } });
      await expect(dispatch('grants.openStreams', { grantId: '6f1c1d0e-7a44-4b9e-9c1f-0d2b3c4d5e6f' }, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'GRANT_NOT_ACTIVE' } });
      await expect(dispatch('grants.openStreams', { grantId: "' OR 1=1 --" }, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      const refused = await dispatch('grants.request', { ...base, cameraIds: [], durationMin: 60, justification: 'x' }, ctx);
      expect(refused).toMatchObject({ ok: true, value: { accepted: false, reasons: ['NO_CAMERA', 'DURATION_TOO_SHORT', 'JUSTIFICATION_TOO_SHORT'] } });
      expect((await journal(s, 'request.refused')).at(-1)!.payload.reasons).toEqual(['NO_CAMERA', 'DURATION_TOO_SHORT', 'JUSTIFICATION_TOO_SHORT']);
      expect(s.relay.snapshot().tokens).toBe(0);
      await dispatch('session.logout', undefined, ctx);
      await expect(dispatch('grants.request', { ...base, cameraIds: ['tripode-hall-arcade'], durationMin: 120 }, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
      await expect(dispatch('catalogue.get', undefined, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 60000);

  test('login: five failures lock the account for five minutes, each attempt journaled (beyond five a minute, in its summary)', async () => {
    const t = tmpDir('csu-grants-');
    const clock = new OffsetClock();
    const s = await boot(t.dir, clock);
    try {
      await s.session.logout();
      for (let i = 0; i < 4; i++) await expect(s.session.login('OP101', 'wrong')).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
      await expect(s.session.login('OP101', 'wrong')).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });
      await expect(s.session.login('OP101', 'demo-operateur')).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });
      clock.advance(5 * MIN + 1000);
      await expect(s.session.login('OP101', 'demo-operateur')).resolves.toMatchObject({ matricule: 'OP101' });
      const failed = await journal(s, 'session.login_failed');
      // A sixth attempt in the same minute goes beyond five: counted in the minute's summary (or,
      // if a new minute began meanwhile, journaled on its own). Either way it is there, once.
      expect(failed.slice(0, 5).map((f) => f.payload.reason)).toEqual(['bad_password', 'bad_password', 'bad_password', 'bad_password', 'bad_password']);
      await s.attempts.flush();
      const summarised = (await journal(s, 'attempts.summarised')).reduce((n, e) => n + (e.payload.reasons.locked ?? 0), 0);
      expect(failed.filter((f) => f.payload.reason === 'locked').length + summarised).toBe(1);
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 60000);

  test('login: restarting the console neither lifts a lock nor forgets failures (rebuilt from the journal)', async () => {
    const t = tmpDir('csu-grants-');
    const clock = new OffsetClock();
    let s = await boot(t.dir, clock);
    const restart = async () => {
      await s.close();
      s = await boot(t.dir, clock, false);
    };
    try {
      await s.session.logout();
      // Three failures, a restart, two more: locked, as without the restart.
      for (let i = 0; i < 3; i++) await expect(s.session.login('OP101', 'wrong')).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
      await restart();
      await expect(s.session.login('OP101', 'wrong')).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
      await expect(s.session.login('OP101', 'wrong')).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });
      // Restarting during the lock does not lift it.
      await restart();
      await expect(s.session.login('OP101', 'demo-operateur')).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });
      clock.advance(5 * MIN + 1000);
      await restart();
      await expect(s.session.login('OP101', 'demo-operateur')).resolves.toMatchObject({ matricule: 'OP101' });
      // A success clears the count: four failures after it, across a restart, do not lock.
      await s.session.logout();
      for (let i = 0; i < 2; i++) await expect(s.session.login('OP101', 'wrong')).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
      await restart();
      for (let i = 0; i < 2; i++) await expect(s.session.login('OP101', 'wrong')).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
      // Another matricule's failures were never counted against this one.
      await expect(s.session.login('SUP201', 'demo-superviseur')).resolves.toMatchObject({ matricule: 'SUP201' });
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 90000);

  test('a wall clock set back by 30 days arms no timer beyond 2^31-1 ms (it would fire at once, in a 1 ms loop)', async () => {
    const t = tmpDir('csu-grants-');
    let offset = 0;
    const clock = { now: () => Date.now() + offset };
    const s = await createServices({ shell: 'headless', dataDir: t.dir, assetsDir: path.join(repoRoot, 'assets'), settings: openConfSettings(t.dir), clock, log: silent });
    // Watches the delays asked of the real setTimeout (it still runs): none may exceed the platform's maximum.
    const spy = jest.spyOn(global, 'setTimeout');
    try {
      const r = await s.grants.request({ ...base, cameraIds: ['tripode-hall-bercy'], durationMin: 120 }, 'OP101');
      expect(r.accepted).toBe(true);
      offset = -30 * 24 * 60 * MIN;
      s.grants.reschedule();
      // An overflowing delay becomes 1 ms: such timers, armed before this 1 ms one, run before it.
      await new Promise((res) => setTimeout(res, 1));
      const delays = spy.mock.calls.map((c) => Number(c[1] ?? 0));
      expect(Math.max(...delays)).toBe(2 ** 31 - 1);
      expect(s.grants.list()).toHaveLength(1);
    } finally {
      spy.mockRestore();
      offset = 0;
      await s.close();
      t.cleanup();
    }
  }, 30000);

  test('a camera that fails before its tile exists: the tile asks main for the state and gets « reconnecting, unreachable, next try within 2 s »', async () => {
    const t = tmpDir('csu-grants-state-');
    const clock = new OffsetClock();
    const s = await boot(t.dir, clock);
    try {
      const { upsertCamera } = await import('../../db/catalogue');
      await upsertCamera(s.db, { id: 'tripode-hall-arcade', siteId: 'tripode', label: "Hall — 1 rue de l'Arcade", zone: 'hall', sourceUrl: 'rtsp://127.0.0.1:1/cam1' });
      const g = await s.grants.request({ ...base, cameraIds: ['tripode-hall-arcade'], durationMin: 120 }, 'OP101');
      if (!g.accepted) throw new Error('refused');
      const events: any[] = [];
      s.events.subscribe((event, payload) => event === 'stream.status' && events.push(payload));
      await s.grants.openStreams(g.grant.id, OP101);
      // The refusal comes back at once: its event is gone before any tile could listen.
      await waitFor(() => events.some((e) => e.code === 'UNREACHABLE'), 10000, 'unreachable');
      const dispatch = createDispatcher(s.handlers, silent, () => s.session.operator);
      const reply = await dispatch('grants.streamState', { grantId: g.grant.id, cameraId: 'tripode-hall-arcade' }, { transport: 'ws' });
      if (!reply.ok) throw new Error(JSON.stringify(reply.error));
      const state = reply.value as any;
      expect(state).toMatchObject({ grantId: g.grant.id, cameraId: 'tripode-hall-arcade', code: 'UNREACHABLE' });
      expect(state.state).toBe('reconnecting');
      expect(state.seq).toBeGreaterThanOrEqual(Math.max(...events.map((e) => e.seq)) - 1);
      expect(() => s.grants.streamState(g.grant.id, 'bobinet-hall-a')).toThrow(expect.objectContaining({ code: 'GRANT_NOT_ACTIVE' }));
      // Main never gives up while the tile watches, and retries within 2 s.
      const retries = events.filter((e) => e.retryInMs !== undefined);
      expect(retries.length).toBeGreaterThan(0);
      for (const e of retries) expect(e.retryInMs).toBeLessThanOrEqual(2000);
      expect(events.some((e) => e.state === 'error')).toBe(false);
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 60000);

  test('renewal: a new request under the convention rules, linked to the running grant it renews; only its holder, same site, while it runs', async () => {
    const t = tmpDir('csu-grants-renew-');
    const clock = new OffsetClock();
    const s = await boot(t.dir, clock);
    try {
      const g = await s.grants.request({ ...base, cameraIds: ['tripode-hall-arcade'], durationMin: 120 }, 'OP101');
      if (!g.accepted) throw new Error('refused');
      // Justified again: a short justification is refused as for any request.
      const short = await s.grants.request({ ...base, cameraIds: ['tripode-hall-arcade'], durationMin: 120, justification: 'court', renews: g.grant.id }, 'OP101');
      expect(short).toEqual({ accepted: false, reasons: ['JUSTIFICATION_TOO_SHORT'] });
      // The convention's maximum per request holds for the renewal too.
      const long = await s.grants.request({ ...base, cameraIds: ['tripode-hall-arcade'], durationMin: 750, renews: g.grant.id }, 'OP101');
      expect(long.accepted).toBe(false);
      await expect(s.grants.request({ ...base, siteId: 'bobinet-sellier', cameraIds: ['bobinet-hall-a'], durationMin: 120, renews: g.grant.id }, 'OP101')).rejects.toMatchObject({ code: 'GRANT_NOT_ACTIVE' });
      await expect(s.grants.request({ ...base, cameraIds: ['tripode-hall-arcade'], durationMin: 120, renews: g.grant.id }, 'SUP201')).rejects.toMatchObject({ code: 'GRANT_NOT_ACTIVE' });
      const r = await s.grants.request({ ...base, cameraIds: ['tripode-hall-arcade'], durationMin: 120, renews: g.grant.id }, 'OP101');
      if (!r.accepted) throw new Error('renewal refused');
      expect(r.grant.renews).toBe(g.grant.id);
      const accepted = await journal(s, 'request.accepted');
      expect(accepted.at(-1)!.payload.renews).toBe(g.grant.id);
      expect(s.grants.list().map((x) => x.id).sort()).toEqual([g.grant.id, r.grant.id].sort());
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 30000);

  test('a camera already transmitted from this console to the same service: refused and journaled as a refusal, whoever asks; to another service, or as a renewal, accepted; two requests at once give one grant', async () => {
    const t = tmpDir('csu-grants-dup-');
    const clock = new OffsetClock();
    const s = await boot(t.dir, clock);
    try {
      const g = await s.grants.request({ ...base, cameraIds: ['tripode-hall-arcade', 'tripode-parking-n1'], durationMin: 120 }, 'OP101');
      if (!g.accepted) throw new Error('refused');
      expect(await s.grants.request({ ...base, cameraIds: ['tripode-hall-bercy', 'tripode-hall-arcade'], durationMin: 120 }, 'OP101')).toEqual({ accepted: false, reasons: ['CAMERA_ALREADY_TRANSMITTED'] });
      // Every reason at once, as for any refusal; another operator of the same console too.
      expect(await s.grants.request({ ...base, cameraIds: ['tripode-parking-n1'], durationMin: 60 }, 'SUP201')).toEqual({ accepted: false, reasons: ['CAMERA_ALREADY_TRANSMITTED', 'DURATION_TOO_SHORT'] });
      const refused = await journal(s, 'request.refused');
      expect(refused.map((e) => [e.actor, e.payload.reasons])).toEqual([
        ['OP101', ['CAMERA_ALREADY_TRANSMITTED']],
        ['SUP201', ['CAMERA_ALREADY_TRANSMITTED', 'DURATION_TOO_SHORT']],
      ]);
      expect(refused[0]!.payload).toMatchObject({ cameraIds: ['tripode-hall-bercy', 'tripode-hall-arcade'], serviceId: 'pm-charenton' });
      // Another receiving service is another transmission, with its own registry line.
      const pn = await s.grants.request({ ...base, cameraIds: ['tripode-hall-arcade'], durationMin: 120, serviceId: 'pn-charenton' }, 'OP101');
      expect(pn.accepted).toBe(true);
      const renewal = await s.grants.request({ ...base, cameraIds: ['tripode-hall-arcade', 'tripode-parking-n1'], durationMin: 120, renews: g.grant.id }, 'OP101');
      expect(renewal.accepted).toBe(true);
      // Two requests sent at once for a free camera: checked one after the other, one grant.
      const both = await Promise.all([0, 1].map(() => s.grants.request({ ...base, cameraIds: ['tripode-sous-sol'], durationMin: 120 }, 'OP101')));
      expect(both.map((x) => x.accepted).sort()).toEqual([false, true]);
      expect(s.grants.list().filter((x) => x.cameras.some((c) => c.id === 'tripode-sous-sol'))).toHaveLength(1);
      // Once the grant ends, the camera may be asked for again.
      const sub = s.grants.list().find((x) => x.cameras.some((c) => c.id === 'tripode-sous-sol'))!;
      await s.grants.stop(sub.id, OP101);
      expect((await s.grants.request({ ...base, cameraIds: ['tripode-sous-sol'], durationMin: 120 }, 'OP101')).accepted).toBe(true);
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 30000);
});
