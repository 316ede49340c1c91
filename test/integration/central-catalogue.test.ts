import { readFileSync } from 'node:fs';
import path from 'node:path';
import { newSigningKey, signCatalogue } from '../../db/journal-signature';
import { catalogueSha256, setCanPublish } from '../../server/catalogue';
import { addSignedConsole, registerKey } from '../../server/enrolment';
import { issueToken } from '../../server/store';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { repoRoot } from '../helpers/tmp';

/**
 * The central catalogue's routes on both databases: only a console allowed to publish writes a
 * version; a version is checked with the console's rules, refuses secrets, is numbered and never
 * edited; any console reads the latest with ETag / If-None-Match.
 */
const example = JSON.parse(readFileSync(path.join(repoRoot, 'assets', 'examples', 'catalogue-charenton.json'), 'utf8'));

describe.each(['sqlite', 'postgres'] as const)('central catalogue on %s', (kind) => {
  let dbInfo: { url: string; drop: () => Promise<void> };
  let central: Central;
  let publisher = '';
  let reader = '';
  const put = (token: string, body: unknown, raw?: string) =>
    fetch(`${central.url}/v1/catalogue`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: raw ?? JSON.stringify(body) });
  const get = (token: string, etag?: string) => fetch(`${central.url}/v1/catalogue`, { headers: { authorization: `Bearer ${token}`, ...(etag ? { 'if-none-match': etag } : {}) } });

  beforeAll(async () => {
    dbInfo = await freshCentralDb(kind);
    central = await startCentral(dbInfo.url);
    publisher = await issueToken(central.db, 'consoles', 'poste-admin', Date.now());
    reader = await issueToken(central.db, 'consoles', 'poste-2', Date.now());
    expect(await setCanPublish(central.db, 'poste-admin', true)).toBe(true);
  }, 30000);
  afterAll(async () => {
    await central.stop();
    await central.db.destroy();
    await dbInfo.drop();
  });

  test('before any publication: 404 to a console, 401 without a token', async () => {
    expect((await get(reader)).status).toBe(404);
    expect((await get('x'.repeat(40))).status).toBe(401);
    expect((await fetch(`${central.url}/v1/catalogue`)).status).toBe(401);
  });

  test('only a publishing console writes; a version is numbered, hashed and served with its ETag', async () => {
    const denied = await put(reader, { publishedBy: 'ADM1', catalogue: example });
    expect(denied.status).toBe(403);
    expect((await put('y'.repeat(40), { publishedBy: 'ADM1', catalogue: example })).status).toBe(401);

    const r = await put(publisher, { publishedBy: 'ADM1', catalogue: example });
    expect(r.status).toBe(200);
    const v1 = await r.json();
    expect(v1).toMatchObject({ version: 1, unchanged: false, publishedBy: { console: 'poste-admin', operator: 'ADM1' } });
    expect(v1.sha256).toMatch(/^[0-9a-f]{64}$/);

    const g = await get(reader);
    expect(g.status).toBe(200);
    expect(g.headers.get('etag')).toBe(`"${v1.sha256}"`);
    expect(g.headers.get('x-csu-can-publish')).toBe('0');
    const body = await g.json();
    expect(body).toMatchObject({ version: 1, sha256: v1.sha256 });
    expect(body.catalogue).toEqual(example);
    const again = await get(reader, `"${v1.sha256}"`);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await get(publisher, `W/"${v1.sha256}"`)).headers.get('x-csu-can-publish')).toBe('1');

    // The same catalogue again: no new version.
    expect(await (await put(publisher, { publishedBy: 'ADM2', catalogue: example })).json()).toMatchObject({ version: 1, unchanged: true });
    const changed = structuredClone(example);
    changed.sites[0].name = 'Résidence renommée';
    const v2 = await (await put(publisher, { publishedBy: 'ADM1', catalogue: changed })).json();
    expect(v2).toMatchObject({ version: 2, unchanged: false });
    expect((await get(reader, `"${v1.sha256}"`)).status).toBe(200);
    // Old versions stay as they were.
    const rows = await central.db('catalogue_versions').orderBy('version').select('version', 'sha256');
    expect(rows.map((x: any) => [Number(x.version), x.sha256])).toEqual([[1, v1.sha256], [2, v2.sha256]]);
  });

  test('a bad catalogue is refused with its JSON paths; a secret is refused; nothing is stored', async () => {
    const before = await central.db('catalogue_versions').count({ n: '*' }).first();
    const bad = structuredClone(example);
    bad.sites[1].cameras[0].zone = 'garage';
    const r = await put(publisher, { publishedBy: 'ADM1', catalogue: bad });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: 'invalid catalogue', problems: [{ path: 'sites[1].cameras[0].zone', code: 'unknown_value', params: { value: 'garage' } }] });

    const secret = structuredClone(example);
    secret.sites[0].cameras[1].username = 'admin';
    secret.sites[0].cameras[1].password = 'hunter2-hunter2';
    secret.operators[0].temporaryPassword = 'provisoire-tres-long';
    const s = await put(publisher, { publishedBy: 'ADM1', catalogue: secret });
    expect(s.status).toBe(400);
    expect((await s.json()).problems).toEqual([
      { path: 'sites[0].cameras[1].password', code: 'secret_refused' },
      { path: 'operators[0].temporaryPassword', code: 'secret_refused' },
    ]);
    const inUrl = structuredClone(example);
    inUrl.sites[0].cameras[0].url = 'rtsp://admin:pw@192.0.2.10/1';
    expect((await (await put(publisher, { publishedBy: 'ADM1', catalogue: inUrl })).json()).problems).toEqual([{ path: 'sites[0].cameras[0].url', code: 'credentials_in_url' }]);
    expect(await central.db('catalogue_versions').count({ n: '*' }).first()).toEqual(before);
    const stored = (await central.db('catalogue_versions').select('body')).map((x: any) => x.body).join('\n');
    expect(stored).not.toMatch(/hunter2|provisoire|password/i);
  });

  test('a signing console must sign its publication: its token alone publishes nothing', async () => {
    const { token, code } = await addSignedConsole(central.db, 'poste-signe', Date.now());
    await setCanPublish(central.db, 'poste-signe', true);
    const changed = structuredClone(example);
    changed.sites[0].name = 'Publié par un poste qui signe';
    // Not enrolled yet: no key to check a signature against.
    expect(await (await put(token, { publishedBy: 'ADM1', catalogue: changed })).json()).toEqual({ error: 'not enrolled' });
    const key = newSigningKey();
    expect(await registerKey(central.db, 'poste-signe', code, key.publicKeyPem, Date.now())).toBe('ok');
    const sig = (by: string, cat: unknown, pem = key.privateKeyPem) => signCatalogue(pem, 'poste-signe', by, catalogueSha256(cat));
    const signedPut = (signature: string | undefined, by = 'ADM1') =>
      fetch(`${central.url}/v1/catalogue`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(signature ? { 'x-csu-signature': signature } : {}) }, body: JSON.stringify({ publishedBy: by, catalogue: changed }) });
    const before = await central.db('catalogue_versions').count({ n: '*' }).first();
    for (const bad of [undefined, 'AAAA', sig('ADM2', changed), sig('ADM1', example), sig('ADM1', changed, newSigningKey().privateKeyPem)]) {
      const r = await signedPut(bad);
      expect([r.status, await r.json()]).toEqual([401, { error: 'bad signature' }]);
    }
    expect(await central.db('catalogue_versions').count({ n: '*' }).first()).toEqual(before);
    const ok = await signedPut(sig('ADM1', changed));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ unchanged: false, publishedBy: { console: 'poste-signe', operator: 'ADM1' } });
  });

  test('publications at the same moment each get their own number, none is lost, none answers 500', async () => {
    const last = Number((await central.db('catalogue_versions').max({ v: 'version' }).first())!.v);
    const variants = Array.from({ length: 10 }, (_, k) => {
      const c = structuredClone(example);
      c.sites[0].name = `Publication simultanée ${k}`;
      return c;
    });
    const answers = await Promise.all(variants.map((c) => put(publisher, { publishedBy: 'ADM1', catalogue: c })));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    const versions = (await Promise.all(answers.map((r) => r.json()))).map((b: any) => b.version).sort((x: number, y: number) => x - y);
    expect(versions).toEqual(Array.from({ length: 10 }, (_, k) => last + k + 1));
  });

  test('hostile bodies: 400 or 413, never a 500', async () => {
    const statuses = await Promise.all([
      put(publisher, null, '{"publishedBy":"ADM1","catalogue":'),
      put(publisher, null, `{"publishedBy":"ADM1","catalogue":${'['.repeat(40)}${']'.repeat(40)}}`),
      put(publisher, { publishedBy: 'ADM1', catalogue: { __proto__: { x: 1 } } }, '{"publishedBy":"ADM1","catalogue":{"__proto__":{"x":1}}}'),
      put(publisher, { publishedBy: 'ADM1 ; drop table', catalogue: example }),
      put(publisher, { publishedBy: 'ADM1', catalogue: example, extra: 1 }),
      put(publisher, { publishedBy: 'ADM1', catalogue: [] }),
      put(publisher, { publishedBy: 'ADM1', catalogue: { format: 'csu-catalogue', version: 1, sites: 'x'.repeat(100) } }),
      put(publisher, { publishedBy: 'ADM1', catalogue: { ...example, sites: Array.from({ length: 600 }, () => example.sites[0]) } }),
      put(publisher, { publishedBy: 'ADM1', catalogue: { pad: 'x'.repeat(3 * 1024 * 1024) } }),
    ]).then((rs) => rs.map((x) => x.status));
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 413]);
  });
});
