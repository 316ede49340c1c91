import { readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { OffsetClock } from '../../main/clock';
import { cameraSecretName } from '../../main/admin/camera-secrets';
import { createServices, type Services } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { createDispatcher } from '../../main/transport/dispatch';
import { repoRoot, tmpDir } from '../helpers/tmp';

/**
 * A production console set up from nothing (issue G2), through the real dispatcher on the real
 * service graph and SQLite file: first administrateur, catalogue import, temporary passwords,
 * per-entity edits under the same rules, secrets kept out of the database and the journal.
 */
const silent = { info() {}, warn() {}, error() {} };
const example = readFileSync(path.join(repoRoot, 'assets', 'examples', 'catalogue-charenton.json'), 'utf8');

describe('administration of a production console', () => {
  const tmp = tmpDir('csu-admin-');
  const clock = new OffsetClock();
  let s: Services;
  let call: (ch: string, args?: unknown) => Promise<any>;
  let opPassword = '';

  async function journal(kind: string) {
    return (await s.db('journal').where({ kind }).orderBy('seq')).map((r: any) => ({ ...r, payload: JSON.parse(r.payload) }));
  }

  beforeAll(async () => {
    const settings = openConfSettings(tmp.dir);
    settings.update({ mode: 'production' });
    s = await createServices({ shell: 'headless', dataDir: tmp.dir, assetsDir: path.join(repoRoot, 'assets'), settings, clock, log: silent });
    const dispatch = createDispatcher(s.handlers, silent, () => s.session.operator);
    call = (ch, args) => dispatch(ch, args, { transport: 'ws' });
  }, 30000);
  afterAll(async () => {
    await s.close();
    tmp.cleanup();
  });

  test('first start: one screen, create the first administrateur (policy enforced), then never again', async () => {
    expect((await call('app.info')).value).toMatchObject({ mode: 'production', setup: 'first_admin' });
    expect((await call('catalogue.get')).error.code).toBe('NOT_LOGGED_IN');
    await expect(call('session.createFirstAdmin', { matricule: 'ADM1', name: 'Admin', password: 'court' })).resolves.toMatchObject({ ok: false, error: { code: 'PASSWORD_POLICY' } });
    await expect(call('session.createFirstAdmin', { matricule: 'ADM1', name: 'Admin', password: 'mon-ADM1-secret-long' })).resolves.toMatchObject({ ok: false, error: { code: 'PASSWORD_POLICY' } });
    await expect(call('session.createFirstAdmin', { matricule: 'ADM1', name: 'Alice Admin', password: 'correct cheval batterie' })).resolves.toMatchObject({ ok: true, value: { matricule: 'ADM1', role: 'administrateur', designated: false } });
    expect(s.session.operator?.matricule).toBe('ADM1');
    expect((await call('app.info')).value.setup).toBe('ready');
    await expect(call('session.createFirstAdmin', { matricule: 'ADM9', name: 'Intrus', password: 'correct cheval batterie' })).resolves.toMatchObject({ ok: false, error: { code: 'SETUP_DONE' } });
    expect((await journal('catalogue.changed')).map((e) => e.payload)).toEqual([expect.objectContaining({ entity: 'operator', id: 'ADM1', change: 'created' })]);
  });

  test('import: garbage gets problems and changes nothing; a dry run lists changes; the import applies them', async () => {
    const v0 = (await call('app.info')).value.catalogueVersion;
    const tooBig = await call('admin.importCatalogue', { text: 'x'.repeat(10 * 1024 * 1024), dryRun: false });
    expect(tooBig).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const garbage = await call('admin.importCatalogue', { text: '\u0000'.repeat(1000) + '{', dryRun: false });
    expect(garbage.value).toMatchObject({ applied: false, problems: [{ code: 'not_json' }], changes: [] });
    const bad = JSON.parse(example);
    bad.sites[1].cameras[0].zone = 'garage';
    expect((await call('admin.importCatalogue', { text: JSON.stringify(bad), dryRun: false })).value.problems).toEqual([{ path: 'sites[1].cameras[0].zone', code: 'unknown_value', params: { value: 'garage' } }]);
    const dry = await call('admin.importCatalogue', { text: example, dryRun: true });
    expect(dry.value.applied).toBe(false);
    expect(dry.value.changes.length).toBeGreaterThan(20);
    expect((await call('admin.catalogue')).value.sites).toEqual([]);
    expect((await call('app.info')).value.catalogueVersion).toBe(v0);

    const done = await call('admin.importCatalogue', { text: example, dryRun: false });
    expect(done.value).toMatchObject({ applied: true, problems: [], version: v0 + 1 });
    expect(done.value.changes).toEqual(dry.value.changes);
    opPassword = done.value.temporaryPasswords.find((p: any) => p.matricule === 'OP101').password;
    expect((await call('app.info')).value.catalogueVersion).toBe(v0 + 1);
    const exported = JSON.parse((await call('admin.exportCatalogue')).value.text);
    expect(exported.sites.map((x: any) => x.id).sort()).toEqual(['bobinet-sellier', 'tripode']);
  });

  test('edits follow the same rules; a camera password goes to the secret store only', async () => {
    const cat = (await call('admin.catalogue')).value;
    const cam = cat.cameras.find((c: any) => c.id === 'tripode-hall-arcade');
    const base = { id: cam.id, siteId: cam.siteId, label: cam.label, zone: cam.zone, url: cam.url, subStreamUrl: cam.subStreamUrl, username: cam.username, active: true };
    const http = await call('admin.saveCamera', { ...base, url: 'http://192.0.2.10/flux' });
    expect(http).toMatchObject({ ok: false, error: { code: 'CATALOGUE_INVALID', details: { problems: [{ code: 'url' }] } } });
    const saved = await call('admin.saveCamera', { ...base, label: 'Hall — Arcade', password: 'Cam-Secret-2026!' });
    expect(saved.ok).toBe(true);
    const after = (await call('admin.catalogue')).value.cameras.find((c: any) => c.id === 'tripode-hall-arcade');
    expect(after).toMatchObject({ label: 'Hall — Arcade', hasPassword: true });
    expect(JSON.stringify(after)).not.toContain('Cam-Secret-2026!');
    const secretFile = path.join(tmp.dir, 'secrets', cameraSecretName('tripode-hall-arcade'));
    expect(readFileSync(secretFile, 'utf8')).toBe('Cam-Secret-2026!');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const everything = JSON.stringify([await s.db('journal').select(), await s.db('cameras').select()]);
    expect(everything).not.toContain('Cam-Secret-2026!');
    const camChanges = (await journal('catalogue.changed')).filter((e) => e.payload.entity === 'camera' && e.payload.id === 'tripode-hall-arcade');
    expect(camChanges.map((e) => e.payload.after)).toEqual(expect.arrayContaining([{ label: 'Hall — Arcade' }, { password: 'remplacé' }]));

    const conv = cat.conventions.find((c: any) => c.id === 'conv-tripode-2026');
    const long = await call('admin.saveConvention', { ...conv, validTo: '2027-06-30' });
    expect(long).toMatchObject({ ok: false, error: { code: 'CATALOGUE_INVALID', details: { problems: [{ code: 'convention_too_long' }] } } });
    const short = await call('admin.saveConvention', { ...conv, minDurationMin: 60 });
    expect(short).toMatchObject({ ok: false, error: { code: 'CATALOGUE_INVALID' } });
    await expect(call('admin.saveOperator', { create: true, matricule: 'OP101', name: 'Doublon', role: 'operateur', designated: false, designatedSince: null, designationRef: null, active: true })).resolves.toMatchObject({ ok: false, error: { code: 'MATRICULE_TAKEN' } });
    await expect(call('admin.saveOperator', { create: false, matricule: 'ADM1', name: 'Alice Admin', role: 'administrateur', designated: false, designatedSince: null, designationRef: null, active: false })).resolves.toMatchObject({ ok: false, error: { code: 'SELF_LOCKOUT' } });
    const created = await call('admin.saveOperator', { create: true, matricule: 'OP103', name: 'Léa Petit', role: 'operateur', designated: true, designatedSince: '2026-11-01', designationRef: 'Arrêté n° 2026-201', active: true });
    expect(created.value.temporaryPassword).toMatch(/^[\w]{4}-[\w]{4}-[\w]{4}-[\w]{4}$/);
  });

  test('an operator with a temporary password must change it before anything else; the policy holds', async () => {
    await call('session.logout');
    const op = await call('session.login', { matricule: 'OP101', password: opPassword });
    expect(op.value).toMatchObject({ matricule: 'OP101', mustChangePassword: true });
    await expect(call('grants.list')).resolves.toMatchObject({ ok: false, error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
    await expect(call('session.changePassword', { current: 'faux', next: 'un tout nouveau secret' })).resolves.toMatchObject({ ok: false, error: { code: 'PASSWORD_WRONG' } });
    await expect(call('session.changePassword', { current: opPassword, next: 'court' })).resolves.toMatchObject({ ok: false, error: { code: 'PASSWORD_POLICY' } });
    await expect(call('session.changePassword', { current: opPassword, next: 'op101-op101-op101' })).resolves.toMatchObject({ ok: false, error: { code: 'PASSWORD_POLICY' } });
    await expect(call('session.changePassword', { current: opPassword, next: 'un tout nouveau secret' })).resolves.toMatchObject({ ok: true, value: { mustChangePassword: false } });
    await expect(call('grants.list')).resolves.toMatchObject({ ok: true });
    expect((await journal('session.password_changed')).map((e) => e.payload)).toEqual([{ matricule: 'OP101', wasTemporary: true }]);
    // And the next login is an ordinary one.
    await call('session.logout');
    await expect(call('session.login', { matricule: 'OP101', password: 'un tout nouveau secret' })).resolves.toMatchObject({ ok: true, value: { mustChangePassword: false } });
  });

  test('conventions lapsing within 30 days raise an alert for superviseurs and administrateurs', async () => {
    await call('session.logout');
    await call('session.login', { matricule: 'ADM1', password: 'correct cheval batterie' });
    const cat = (await call('admin.catalogue')).value;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(clock.now());
    const inTwenty = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(clock.now() + 20 * 86400000);
    const conv = cat.conventions.find((c: any) => c.id === 'conv-bobinet-2026');
    expect((await call('admin.saveConvention', { ...conv, validFrom: today, validTo: inTwenty })).ok).toBe(true);
    const alerts = (await call('catalogue.alerts')).value;
    expect(alerts).toEqual(expect.arrayContaining([expect.objectContaining({ conventionId: 'conv-bobinet-2026', siteName: 'Bobinet-Sellier', validTo: inTwenty, lapsed: false })]));
    const bob = alerts.find((a: any) => a.conventionId === 'conv-bobinet-2026');
    expect(bob.daysLeft).toBeGreaterThanOrEqual(19);
    expect(bob.daysLeft).toBeLessThanOrEqual(20);
  });

  test('the central server: https required beyond loopback; the token is a secret; the test says what failed', async () => {
    await expect(call('admin.setMirror', { serverUrl: 'http://registre.csu.example:8443' })).resolves.toMatchObject({ ok: false, error: { code: 'CATALOGUE_INVALID', details: { problems: [{ code: 'https_required' }] } } });
    // A loopback port nobody listens on: freed right after the system handed it out.
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const url = `http://127.0.0.1:${port}`;
    await expect(call('admin.setMirror', { serverUrl: url, token: 'jeton-de-test-0123456789' })).resolves.toMatchObject({ ok: true });
    const cat = (await call('admin.catalogue')).value;
    expect(cat.mirror).toEqual({ serverUrl: url, hasToken: true, hasEnrolmentCode: false, hasReaderToken: false, caFile: null });
    expect(JSON.stringify(await s.db('journal').select())).not.toContain('jeton-de-test-0123456789');
    const t = await call('admin.testMirror');
    expect(t.value).toMatchObject({ ok: false, error: 'REFUSED' });
  });
});
