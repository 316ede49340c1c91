import path from 'node:path';
import { OffsetClock } from '../../main/clock';
import { createServices, type Services } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { createDispatcher, type Dispatch } from '../../main/transport/dispatch';
import { repoRoot, tmpDir } from '../helpers/tmp';

/**
 * Who may stop, open and read which grant (issue G4), through the real dispatcher on the real
 * service graph: operators stop what they hold, supervisors stop anything and the registry says
 * who; opening another's grant is a journaled hand-over that only designated staff may do;
 * operators read their own registry rows, supervisors everything and the events around them.
 */
const silent = { info() {}, warn() {}, error() {} };
const ws = { transport: 'ws' as const };
const base = { siteId: 'tripode', motive: 'degradations', justification: 'Dégradations signalées dans le hall ce soir.', serviceId: 'pm-charenton', durationMin: 120 };

describe('grant authority', () => {
  const tmp = tmpDir('csu-authority-');
  const clock = new OffsetClock();
  let s: Services;
  let call: (ch: string, args?: unknown) => Promise<any>;

  async function as(matricule: string, password: string): Promise<void> {
    await s.session.logout();
    await s.session.login(matricule, password);
  }
  async function journal(kind: string) {
    const rows = await s.db('journal').where({ kind }).orderBy('seq');
    return rows.map((r: any) => ({ ...r, payload: JSON.parse(r.payload) }));
  }

  beforeAll(async () => {
    s = await createServices({ shell: 'headless', dataDir: tmp.dir, assetsDir: path.join(repoRoot, 'assets'), settings: openConfSettings(tmp.dir), clock, log: silent });
    const dispatch: Dispatch = createDispatcher(s.handlers, silent, () => s.session.operator);
    call = (ch, args) => dispatch(ch, args, ws);
  }, 30000);
  afterAll(async () => {
    await s.close();
    tmp.cleanup();
  });

  test('an operator cannot stop a grant held by another; a supervisor can, and the registry says who', async () => {
    await as('OP101', 'demo-operateur');
    const g = await call('grants.request', { ...base, cameraIds: ['tripode-hall-arcade'] });
    expect(g).toMatchObject({ ok: true, value: { accepted: true, grant: { operator: 'OP101', holder: 'OP101' } } });
    const grantId = g.value.grant.id as string;

    await as('OP102', 'demo-non-designe');
    await expect(call('grants.stop', { grantId })).resolves.toMatchObject({ ok: false, error: { code: 'NOT_GRANT_HOLDER' } });
    expect(s.grants.get(grantId)).toBeDefined();

    await as('SUP201', 'demo-superviseur');
    clock.advance(30 * 60000);
    await expect(call('grants.stop', { grantId })).resolves.toEqual({ ok: true, value: { ok: true } });
    const ended = (await journal('transmission.ended')).find((e) => e.payload.grantId === grantId)!;
    expect(ended).toMatchObject({ actor: 'SUP201', payload: { reason: 'stopped_by_supervisor', stoppedBy: 'SUP201' } });
    const rows = await call('registry.list', {});
    expect(rows.value.find((r: any) => r.grantId === grantId)).toMatchObject({ endReason: 'stopped_by_supervisor', effectiveMin: 30 });
  });

  test('a hand-over: a non-designated operator is refused, a designated one takes the grant over (journaled) and may then stop it', async () => {
    await as('OP101', 'demo-operateur');
    const g = await call('grants.request', { ...base, cameraIds: ['tripode-parking-n1'] });
    const grantId = g.value.grant.id as string;
    await expect(call('grants.openStreams', { grantId })).resolves.toMatchObject({ ok: true });
    expect(await journal('grant.taken_over')).toEqual([]);

    await as('OP102', 'demo-non-designe');
    await expect(call('grants.openStreams', { grantId })).resolves.toMatchObject({ ok: false, error: { code: 'TAKEOVER_NOT_DESIGNATED' } });
    expect(s.grants.get(grantId)!.holder).toBe('OP101');

    await as('SUP201', 'demo-superviseur');
    const opened = await call('grants.openStreams', { grantId });
    expect(opened.ok).toBe(true);
    expect(await journal('grant.taken_over')).toEqual([expect.objectContaining({ actor: 'SUP201', payload: { grantId, from: 'OP101', to: 'SUP201' } })]);
    const list = await call('grants.list');
    expect(list.value.find((x: any) => x.id === grantId)).toMatchObject({ operator: 'OP101', holder: 'SUP201' });

    // The requester no longer holds it: stopping is now the new holder's (or a supervisor's) to do.
    await as('OP101', 'demo-operateur');
    await expect(call('grants.stop', { grantId })).resolves.toMatchObject({ ok: false, error: { code: 'NOT_GRANT_HOLDER' } });
    // Taking it back is another hand-over, and then OP101 may stop it as its holder.
    await expect(call('grants.openStreams', { grantId })).resolves.toMatchObject({ ok: true });
    await expect(call('grants.stop', { grantId })).resolves.toMatchObject({ ok: true });
    const ended = (await journal('transmission.ended')).find((e) => e.payload.grantId === grantId)!;
    expect(ended.payload).toMatchObject({ reason: 'stopped_by_operator', stoppedBy: 'OP101' });
  });

  test('the registry: an operator sees the transmissions they requested; a supervisor sees all, plus refusals, logins and lockouts', async () => {
    await as('SUP201', 'demo-superviseur');
    const mine = await call('grants.request', { ...base, cameraIds: ['tripode-sous-sol'] });
    expect(mine.value.accepted).toBe(true);
    // A refused request by the non-designated operator, and a lockout.
    await as('OP102', 'demo-non-designe');
    // Another camera: the sous-sol is already transmitted to this service (that would be a second reason).
    const refused = await call('grants.request', { ...base, cameraIds: ['tripode-parking-n2'] });
    expect(refused).toMatchObject({ ok: true, value: { accepted: false, reasons: ['OPERATOR_NOT_DESIGNATED'] } });
    await s.session.logout();
    for (let i = 0; i < 5; i++) await call('session.login', { matricule: 'OP102', password: 'faux' });

    await as('OP101', 'demo-operateur');
    const own = await call('registry.list', {});
    expect(own.value.length).toBeGreaterThan(0);
    expect(new Set(own.value.map((r: any) => r.operatorMatricule))).toEqual(new Set(['OP101']));
    // Asking for someone else's rows changes nothing for an operator.
    const asked = await call('registry.list', { operator: 'SUP201' });
    expect(new Set(asked.value.map((r: any) => r.operatorMatricule))).toEqual(new Set(['OP101']));
    await expect(call('registry.events', {})).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    await as('SUP201', 'demo-superviseur');
    const all = await call('registry.list', {});
    expect(new Set(all.value.map((r: any) => r.operatorMatricule))).toEqual(new Set(['OP101', 'SUP201']));
    const filtered = await call('registry.list', { operator: 'SUP201' });
    expect(new Set(filtered.value.map((r: any) => r.operatorMatricule))).toEqual(new Set(['SUP201']));
    const events = await call('registry.events', {});
    const kinds = events.value.map((e: any) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['request.refused', 'session.opened', 'session.login_failed', 'grant.taken_over', 'transmission.ended']));
    expect(events.value.some((e: any) => e.kind === 'session.login_failed' && e.payload.lockedUntil)).toBe(true);
    // Who, by name: the supervisor reads « Nadia Benali (SUP201) »; the system has no name.
    expect(events.value.find((e: any) => e.kind === 'session.opened' && e.actor === 'SUP201').actorName).toBe('Nadia Benali');
    expect(events.value.filter((e: any) => e.actor === 'system').every((e: any) => e.actorName === undefined)).toBe(true);
    // Newest first.
    const seqs = events.value.map((e: any) => e.seq);
    expect([...seqs].sort((a: number, b: number) => b - a)).toEqual(seqs);
    const onlyRefusals = await call('registry.events', { kinds: ['request.refused'] });
    expect(new Set(onlyRefusals.value.map((e: any) => e.kind))).toEqual(new Set(['request.refused']));
    await expect(call('registry.events', { from: 2000, to: 1000 })).resolves.toMatchObject({ ok: false, error: { code: 'PERIOD_INVALID' } });
  });

  test('the administrateur (not designated) provisions but never watches: requests, streams and stops are refused', async () => {
    await as('ADM301', 'demo-administrateur');
    await expect(call('grants.request', { ...base, cameraIds: ['tripode-hall-bercy'] })).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await expect(call('grants.list')).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await expect(call('registry.events', {})).resolves.toMatchObject({ ok: true });
  });
});
