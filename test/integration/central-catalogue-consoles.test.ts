import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { OffsetClock } from '../../main/clock';
import { cameraSecretName } from '../../main/admin/camera-secrets';
import { CatalogueFollower } from '../../main/mirror/catalogue-follower';
import { fileSecretStore } from '../../main/secrets';
import { createServices, type Services } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { createDispatcher } from '../../main/transport/dispatch';
import { seedDemo } from '../../db/seeds/demo';
import { setCanPublish } from '../../server/catalogue';
import { addSignedConsole } from '../../server/enrolment';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { freshDb } from '../helpers/db';
import { repoRoot, tmpDir } from '../helpers/tmp';
import { waitFor } from '../helpers/ws-client';

/** Polls an async condition (the helpers' waitFor takes a synchronous one). */
async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cameraArgs = (c: any, patch: Record<string, unknown>) => ({ id: c.id, siteId: c.siteId, label: c.label, zone: c.zone, url: c.url, subStreamUrl: c.subStreamUrl, username: c.username, active: c.active, ...patch });

/**
 * Two production consoles and one central server on PostgreSQL (issue G2, several consoles):
 * poste-a publishes, poste-b follows. Real service graphs, real SQLite files, the real server.
 */
const silent = { info() {}, warn() {}, error() {} };
const example = readFileSync(path.join(repoRoot, 'assets', 'examples', 'catalogue-charenton.json'), 'utf8');
const CAMERA_PASSWORD = 'motdepasse-camera-tres-secret';

interface Console {
  dir: string;
  s: Services;
  call: (ch: string, args?: unknown) => Promise<any>;
}

describe('one catalogue for two consoles, on PostgreSQL', () => {
  const clock = new OffsetClock();
  const tmps: { dir: string; cleanup: () => void }[] = [];
  let dbInfo: { url: string; drop: () => Promise<void> };
  let central: Central;
  const serverLog: string[] = [];
  const tokens: Record<string, string> = {};
  const codes: Record<string, string> = {};
  let a: Console;
  let b: Console;

  async function open(consoleId: string, dir?: string): Promise<Console> {
    const d = dir ?? tmpDir(`csu-${consoleId}-`).dir;
    if (!dir) tmps.push({ dir: d, cleanup: () => undefined });
    const settings = openConfSettings(d);
    settings.update({ mode: 'production', consoleId, mirror: { serverUrl: central.url, cataloguePollMs: 300 } });
    fileSecretStore(d).set('mirror-token', tokens[consoleId]!);
    if (!dir) fileSecretStore(d).set('mirror-enrolment-code', codes[consoleId]!);
    const s = await createServices({ shell: 'headless', dataDir: d, assetsDir: path.join(repoRoot, 'assets'), settings, clock, log: silent });
    const dispatch = createDispatcher(s.handlers, silent, () => s.session.operator);
    return { dir: d, s, call: (ch, args) => dispatch(ch, args, { transport: 'ws' }) };
  }
  async function journal(c: Console, kind: string) {
    return (await c.s.db('journal').where({ kind }).orderBy('seq')).map((r: any) => ({ ...r, payload: JSON.parse(r.payload) }));
  }
  /** Status codes the server answered to GET /v1/catalogue (its request log). */
  const catalogueStatuses = () => serverLog.map((l) => JSON.parse(l)).filter((l) => l.res?.statusCode && l.reqId && getUrls.has(l.reqId)).map((l) => l.res.statusCode as number);
  const getUrls = new Set<string>();

  beforeAll(async () => {
    dbInfo = await freshCentralDb('postgres');
    const logStream = new PassThrough();
    logStream.on('data', (c: Buffer) => {
      for (const line of c.toString().split('\n').filter(Boolean)) {
        serverLog.push(line);
        const l = JSON.parse(line);
        if (l.req?.method === 'GET' && l.req?.url === '/v1/catalogue') getUrls.add(l.reqId);
      }
    });
    central = await startCentral(dbInfo.url, 0, { logger: true, logStream });
    // Signing consoles, as `add-console` makes them: each publication is signed with the mirror's key.
    for (const id of ['poste-a', 'poste-b']) {
      const issued = await addSignedConsole(central.db, id, Date.now());
      tokens[id] = issued.token;
      codes[id] = issued.code;
    }
    await setCanPublish(central.db, 'poste-a', true);
    a = await open('poste-a');
    b = await open('poste-b');
  }, 60000);
  afterAll(async () => {
    await a?.s.close();
    await b?.s.close();
    await central.stop();
    await central.db.destroy();
    await dbInfo.drop();
    const { rmSync } = await import('node:fs');
    for (const t of tmps) rmSync(t.dir, { recursive: true, force: true });
  });

  test('poste-a (allowed to publish) edits locally, keeps its camera password, and publishes version 1', async () => {
    await a.call('session.createFirstAdmin', { matricule: 'ADMA', name: 'Alice Admin', password: 'correct cheval batterie' });
    // The server says whether this console may publish; until then a follower's edits are refused.
    expect((await a.call('admin.checkCentralCatalogue')).value).toMatchObject({ following: true, canPublish: true, version: null, lastError: null });
    expect((await a.call('admin.importCatalogue', { text: example, dryRun: false })).value).toMatchObject({ applied: true, problems: [] });
    const cam = (await a.call('admin.catalogue')).value.cameras[0];
    expect((await a.call('admin.saveCamera', cameraArgs(cam, { username: 'admin', password: CAMERA_PASSWORD }))).ok).toBe(true);
    // The mirror enrols the console's key with its first batch; a publication is checked against that key.
    await waitUntil(async () => !!(await central.db('consoles').where({ id: 'poste-a' }).first('public_key')).public_key, 15000, 'poste-a enrolled');
    const pub = await a.call('admin.publishCatalogue');
    expect(pub).toEqual({ ok: true, value: { version: 1, unchanged: false } });
    expect((await a.call('admin.publishCatalogue')).value).toEqual({ version: 1, unchanged: true });
    expect((await a.call('admin.centralCatalogue')).value).toMatchObject({ following: true, canPublish: true, version: 1, publishedBy: 'poste-a/ADMA' });

    // What the server holds: the catalogue, with the user name, without any password.
    const rows = await central.db('catalogue_versions').select();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ version: 1, published_by_console: 'poste-a', published_by_operator: 'ADMA' });
    expect(rows[0].body).toContain('"username":"admin"');
    expect(rows[0].body).not.toContain(CAMERA_PASSWORD);
    expect(rows[0].body).not.toMatch(/password|scrypt|\$[0-9a-z]+\$/i);
    expect(JSON.stringify(await central.db('journal').select('payload'))).not.toContain(CAMERA_PASSWORD);
  });

  test('poste-b pulls version 1, applies it in one import journaled with the version and hash, and keeps its own administrateur', async () => {
    // Until its first administrateur exists, poste-b applies nothing (its first-start screen stays).
    await b.s.handlers.admin.checkCentralCatalogue(undefined, { transport: 'ws', operator: { matricule: 'x', name: 'x', role: 'administrateur', designated: false, mustChangePassword: false } } as never);
    expect((await b.call('app.info')).value.setup).toBe('first_admin');
    expect(await b.s.db('sites').count({ n: '*' }).first()).toEqual({ n: 0 });
    expect((await b.call('session.createFirstAdmin', { matricule: 'ADMB', name: 'Bruno Admin', password: 'autre cheval batterie' })).ok).toBe(true);
    await waitUntil(async () => (await b.call('admin.centralCatalogue')).value.version === 1, 10000, 'poste-b applied version 1');
    const view = (await b.call('admin.centralCatalogue')).value;
    expect(view).toMatchObject({ following: true, canPublish: false, version: 1, publishedBy: 'poste-a/ADMA', lastError: null });
    expect(view.checkedAt).toEqual(expect.any(Number));
    const catA = (await a.call('admin.catalogue')).value;
    const catB = (await b.call('admin.catalogue')).value;
    expect(catB.sites).toEqual(catA.sites);
    expect(catB.cameras.map((c: any) => ({ ...c, hasPassword: false }))).toEqual(catA.cameras.map((c: any) => ({ ...c, hasPassword: false })));
    // The password stayed on poste-a: poste-b's admin screen says this camera has none here.
    expect(catA.cameras[0].hasPassword).toBe(true);
    expect(catB.cameras[0]).toMatchObject({ username: 'admin', hasPassword: false });
    expect(catB.operators.find((o: any) => o.matricule === 'ADMB')).toMatchObject({ active: true, role: 'administrateur' });

    const sha = rowsSha(await central.db('catalogue_versions').where({ version: 1 }).first('sha256'));
    const changed = (await journal(b, 'catalogue.changed')).filter((e) => e.payload.central);
    expect(changed.length).toBeGreaterThan(20);
    for (const e of changed) expect(e.payload.central).toEqual({ version: 1, sha256: sha, publishedBy: 'poste-a/ADMA' });
    expect(changed.map((e) => e.payload)).toContainEqual(expect.objectContaining({ entity: 'site', id: 'tripode', change: 'created' }));
    // Those entries go up with poste-b's journal like any other (the server takes the new field).
    await waitUntil(async () => Number((await central.db('journal').where({ console_id: 'poste-b', kind: 'catalogue.changed' }).count({ n: '*' }).first())!.n) >= changed.length + 1, 20000, 'poste-b journal mirrored');
    expect(b.s.mirror.mirror?.current?.state).not.toBe('conflict');
  });

  test('nothing new: the next pulls are 304 and journal nothing', async () => {
    const before = (await journal(b, 'catalogue.changed')).length;
    const seen = catalogueStatuses().length;
    await waitFor(() => catalogueStatuses().length >= seen + 3, 10000, 'three more pulls');
    expect(catalogueStatuses().slice(seen).every((st) => st === 304)).toBe(true);
    expect((await journal(b, 'catalogue.changed')).length).toBe(before);
    const sha = (await b.s.db('catalogue_meta').where({ key: 'central.sha256' }).first('value')).value;
    const r = await fetch(`${central.url}/v1/catalogue`, { headers: { authorization: `Bearer ${tokens['poste-b']}`, 'if-none-match': `"${sha}"` } });
    expect(r.status).toBe(304);
  });

  test('poste-b refuses local catalogue edits in French terms, but takes a camera password; it may not publish', async () => {
    const cat = (await b.call('admin.catalogue')).value;
    const site = cat.sites[0];
    expect(await b.call('admin.saveSite', { ...site, name: 'Renommé localement' })).toMatchObject({ ok: false, error: { code: 'CATALOGUE_CENTRAL' } });
    expect(await b.call('admin.importCatalogue', { text: example, dryRun: false })).toMatchObject({ ok: false, error: { code: 'CATALOGUE_CENTRAL' } });
    expect((await b.call('admin.importCatalogue', { text: example, dryRun: true })).ok).toBe(true);
    const cam = cat.cameras[0];
    expect(await b.call('admin.saveCamera', cameraArgs(cam, { label: 'Autre libellé' }))).toMatchObject({ ok: false, error: { code: 'CATALOGUE_CENTRAL' } });
    expect((await b.call('admin.saveCamera', cameraArgs(cam, { password: 'mot-de-passe-de-b' }))).ok).toBe(true);
    expect(fileSecretStore(b.dir).get(cameraSecretName(cam.id))).toBe('mot-de-passe-de-b');
    expect(fileSecretStore(a.dir).get(cameraSecretName(cam.id))).toBe(CAMERA_PASSWORD);
    expect(await b.call('admin.publishCatalogue')).toMatchObject({ ok: false, error: { code: 'CENTRAL_REFUSED', details: { reason: 'not_publisher' } } });
    expect(await central.db('catalogue_versions').count({ n: '*' }).first()).toEqual({ n: '1' });
  });

  test('offline, poste-b keeps version 1 (even across a restart); back online, it applies version 2', async () => {
    await central.stop();
    expect((await b.call('admin.checkCentralCatalogue')).value).toMatchObject({ version: 1, lastError: 'UNREACHABLE' });
    await b.s.close();
    b = await open('poste-b', b.dir);
    await b.call('session.login', { matricule: 'ADMB', password: 'autre cheval batterie' });
    expect((await b.call('admin.centralCatalogue')).value).toMatchObject({ following: true, version: 1, publishedBy: 'poste-a/ADMA' });
    expect((await b.call('admin.catalogue')).value.sites.map((s: any) => s.id).sort()).toEqual(['bobinet-sellier', 'tripode']);
    await waitUntil(async () => (await b.call('admin.centralCatalogue')).value.lastError === 'UNREACHABLE', 10000, 'poste-b notices the server is away');

    await central.start();
    const site = (await a.call('admin.catalogue')).value.sites.find((s: any) => s.id === 'tripode');
    expect((await a.call('admin.saveSite', { ...site, name: 'Résidence du Tripode (rénovée)' })).ok).toBe(true);
    expect((await a.call('admin.publishCatalogue')).value).toEqual({ version: 2, unchanged: false });
    await waitUntil(async () => (await b.call('admin.centralCatalogue')).value.version === 2, 10000, 'poste-b applied version 2');
    expect((await b.call('admin.centralCatalogue')).value.lastError).toBeNull();
    expect((await b.call('admin.catalogue')).value.sites.find((s: any) => s.id === 'tripode').name).toBe('Résidence du Tripode (rénovée)');
    const last = (await journal(b, 'catalogue.changed')).at(-1)!;
    expect(last.payload).toMatchObject({ entity: 'site', id: 'tripode', change: 'updated', after: { name: 'Résidence du Tripode (rénovée)' }, central: { version: 2 } });
    // Its own camera password survived the new version.
    expect(fileSecretStore(b.dir).get(cameraSecretName((await b.call('admin.catalogue')).value.cameras[0].id))).toBe('mot-de-passe-de-b');
  }, 60000);

  test('a catalogue the server refuses: the publication fails with the JSON path, nothing is stored', async () => {
    // A demo console's sim: cameras are its own test patterns: the server takes rtsp:// and rtsps:// only.
    const local = await freshDb();
    try {
      await seedDemo(local.db, Date.now());
      const f = new CatalogueFollower({ db: local.db, consoleId: 'poste-a', serverUrl: central.url, token: () => tokens['poste-a'], signingKeyPem: () => fileSecretStore(a.dir).get('mirror-signing-key'), clock, log: silent, allowSim: true });
      const err = await f.publish('ADMA').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'CENTRAL_REFUSED', details: { reason: 'invalid' } });
      const problems = (err as { details: { problems: { path: string; code: string }[] } }).details.problems;
      expect(problems[0]).toEqual({ path: 'sites[0].cameras[0].url', code: 'url' });
      expect(await central.db('catalogue_versions').count({ n: '*' }).first()).toEqual({ n: '2' });
    } finally {
      await local.cleanup();
    }
  });
});

function rowsSha(r: { sha256: string }): string {
  return r.sha256;
}
