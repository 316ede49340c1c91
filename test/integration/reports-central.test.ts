import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, promises as fs, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fr from '../../assets/locales/fr.json';
import { appendEntries, entriesAfter } from '../../db/journal';
import { newSigningKey } from '../../db/journal-signature';
import { OffsetClock } from '../../main/clock';
import { Mirror } from '../../main/mirror/mirror';
import { readCentral } from '../../main/reports/central';
import { fileSecretStore } from '../../main/secrets';
import { createServices, type Services } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { createDispatcher, type Dispatch } from '../../main/transport/dispatch';
import { buildServer } from '../../server/app';
import { addSignedConsole } from '../../server/enrolment';
import { issueToken } from '../../server/store';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { freshDb, grantEntries } from '../helpers/db';
import { makePki } from '../helpers/pki';
import { repoRoot, tmpDir } from '../helpers/tmp';
import { waitFor } from '../helpers/ws-client';

/**
 * « Tous les postes du CSU » (issue G1 over G6's paged registry): two consoles mirror into one real
 * server on PostgreSQL; a superviseur on console A generates the report from the central registry
 * with A's reader token, and finds B's transmissions in the PDF (pdftotext) and the CSV.
 */
const silent = { info() {}, warn() {}, error() {} };
const T0 = Date.UTC(2026, 10, 20, 9);
const november = { period: { kind: 'month', month: '2026-11' } };
const B_NOTE = 'Attroupement signalé au poste B ; « urgent »';

describe('reports over every console of the CSU (central registry on PostgreSQL)', () => {
  const tmp = tmpDir('csu-reports-central-');
  const out = path.join(tmp.dir, 'out');
  const dataA = path.join(tmp.dir, 'a');
  let dbInfo: { url: string; drop: () => Promise<void> };
  let central: Central;
  let s: Services;
  let dispatch: Dispatch;
  let readerToken: string;
  let b: Awaited<ReturnType<typeof freshDb>>;

  beforeAll(async () => {
    mkdirSync(out);
    dbInfo = await freshCentralDb('postgres');
    central = await startCentral(dbInfo.url);
    // Console A: configured like a real one — server address, its token and one-time enrolment code, a reader token.
    const a = await addSignedConsole(central.db, 'poste-a', Date.now());
    readerToken = await issueToken(central.db, 'readers', 'rapports-csu', Date.now());
    const settings = openConfSettings(dataA);
    settings.update({ consoleId: 'poste-a', mirror: { serverUrl: central.url } });
    const secrets = fileSecretStore(dataA);
    secrets.set('mirror-token', a.token);
    secrets.set('mirror-enrolment-code', a.code);
    secrets.set('central-reader-token', readerToken);
    s = await createServices({
      shell: 'headless',
      dataDir: dataA,
      assetsDir: path.join(repoRoot, 'assets'),
      settings,
      clock: new OffsetClock(),
      log: silent,
      reportDelivery: () => ({
        deliver: async (f) => {
          const to = path.join(out, f.fileName);
          await fs.copyFile(f.path, to);
          await fs.rm(f.path);
          return { savedTo: to };
        },
      }),
    });
    dispatch = createDispatcher(s.handlers, silent, () => s.session.operator);
    await appendEntries(s.db, 'poste-a', grantEntries(T0, { grantId: 'a-grant-1' }));
    // Console B: its own journal and mirror (signed too).
    b = await freshDb();
    const bCreds = await addSignedConsole(central.db, 'poste-b', Date.now());
    for (let i = 0; i < 3; i++) await appendEntries(b.db, 'poste-b', grantEntries(T0 + (i + 1) * 3600000, { grantId: `b-grant-${i + 1}`, siteId: 'bobinet-sellier', motive: 'attroupements', justification: B_NOTE }));
    const mb = new Mirror({ db: b.db, consoleId: 'poste-b', serverUrl: central.url, token: bCreds.token, signing: { privateKeyPem: newSigningKey().privateKeyPem, enrolmentCode: () => bCreds.code }, clock: { now: () => Date.now() }, log: silent, backoffMinMs: 20, backoffMaxMs: 300, pollMs: 50 });
    mb.start();
    await waitFor(() => mb.current?.state === 'synchronised', 20000, 'B synchronised');
    await mb.stop();
    // A's own mirror enrols with the stored code (then forgets it) and sends A's grant.
    const lastA = (await entriesAfter(s.db, 'poste-a', 0, 100000)).pop()!.seq;
    await waitFor(() => s.mirror.mirror?.current?.state === 'synchronised' && s.mirror.mirror.current.ackedSeq >= lastA, 20000, 'A synchronised');
    expect(secrets.get('mirror-enrolment-code')).toBeUndefined();
    await s.session.login('SUP201', 'demo-superviseur');
  }, 90000);
  afterAll(async () => {
    await s.close();
    await b.cleanup();
    await central.stop();
    await central.db.destroy();
    await dbInfo.drop();
    tmp.cleanup();
  });

  async function call(method: string, args?: Record<string, unknown>) {
    return dispatch(method, args, { transport: 'ws' });
  }
  async function generate(args: Record<string, unknown>) {
    const r = await call('reports.generate', args);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value as { savedTo: string; fileName: string; rows: number; source: string; verification: { line: string } };
  }

  test('the Reports screen is offered the central source, and its preview counts every console', async () => {
    expect(await call('reports.sources')).toMatchObject({ ok: true, value: { central: true, serverOrigin: central.url } });
    const p = await call('reports.preview', { ...november, source: 'central' });
    expect(p).toMatchObject({ ok: true, value: { transmissions: 4, source: { kind: 'central', serverOrigin: central.url, consoles: ['poste-a', 'poste-b'] }, byConsole: [{ key: 'poste-a', count: 1 }, { key: 'poste-b', count: 3 }] } });
    expect((p as { value: { source: { line: string } } }).value.source.line).toMatch(/^Source : registre central \(http:\/\/127\.0\.0\.1:\d+\), lu le .+, 2 postes$/);
    // « Poste » filters on the server; the local source stays this console's.
    expect(await call('reports.preview', { ...november, source: 'central', consoleId: 'poste-b' })).toMatchObject({ ok: true, value: { transmissions: 3, source: { consoles: ['poste-b'] } } });
    expect(await call('reports.preview', november)).toMatchObject({ ok: true, value: { transmissions: 1, source: { kind: 'local', consoles: ['poste-a'] } } });
  });

  test('PDF « tous les postes »: B\'s transmissions, the Poste column, the source and what is verified; journaled with its source', async () => {
    const r = await generate({ ...november, source: 'central', format: 'pdf', delivery: 'save' });
    expect(r.rows).toBe(4);
    expect(r.fileName).toMatch(/^rapport-registre-tous-postes_2026-11-01_2026-11-30_\d{8}T\d{6}\.pdf$/);
    mkdirSync('/work/shots-central', { recursive: true });
    await fs.copyFile(r.savedTo, '/work/shots-central/report-central.pdf');
    const text = execFileSync('pdftotext', ['-raw', r.savedTo, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toMatch(/Source : registre central \(http:\/\/127\.0\.0\.1:\d+\), lu le \w+ \d+ novembre 2026, \d\d h \d\d, 2 postes/);
    for (const want of ['Poste', 'poste-a', 'poste-b', 'Bobinet-Sellier', 'attroupements', 'Par poste', 'aucun (toutes les transmissions de tous les postes)', "vérifiée par le serveur central à la réception", "registre de ce poste vérifié jusqu'à l'entrée n°", 'Le registre central ne tient que les transmissions']) {
      expect(text).toContain(want);
    }
    expect(text.match(/poste-b/g)!.length).toBeGreaterThanOrEqual(4);
    expect(r.verification.line).toContain('Registre central');
    const journal = await entriesAfter(s.db, 'poste-a', 0, 100000);
    const gen = journal.filter((e) => e.kind === 'report.generated').pop()!;
    expect(gen.payload).toMatchObject({ format: 'pdf', rows: 4, source: 'central', server: central.url, consoles: 2 });
    // The local chain is still verified, and that is journaled.
    expect(journal.filter((e) => e.kind === 'registry.verified').pop()!.payload).toMatchObject({ ok: true });
    // The spool of the central rows does not outlive the report.
    expect(readdirSync(path.join(dataA, 'reports-tmp')).filter((f) => f.endsWith('.ndjson'))).toEqual([]);
  }, 30000);

  test('CSV « tous les postes »: the source in the file name, B\'s rows with their Poste and justification', async () => {
    const r = await generate({ ...november, source: 'central', format: 'csv', delivery: 'save' });
    expect(r.fileName).toMatch(/^rapport-registre-tous-postes_2026-11-01_2026-11-30_\d{8}T\d{6}\.csv$/);
    const text = readFileSync(r.savedTo, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('Poste');
    const bRows = lines.filter((l) => l.includes(';poste-b;'));
    expect(bRows).toHaveLength(3);
    expect(bRows[0]).toContain(`"${B_NOTE.replace(/"/g, '""')}"`);
    expect(lines.filter((l) => l.includes(';poste-a;a-grant-1'))).toHaveLength(1);
  }, 30000);

  test('reader token refused, server down: a French error, and the local report still works', async () => {
    const secrets = fileSecretStore(dataA);
    secrets.set('central-reader-token', 'x'.repeat(43));
    const refused = await call('reports.generate', { ...november, source: 'central', format: 'pdf', delivery: 'save' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CENTRAL_READER_REFUSED' } });
    expect(fr.errors.CENTRAL_READER_REFUSED).toMatch(/Jeton de lecture du registre central refusé/);
    expect(await call('reports.preview', { ...november, source: 'central' })).toMatchObject({ ok: false, error: { code: 'CENTRAL_READER_REFUSED' } });
    expect((await generate({ ...november, format: 'pdf', delivery: 'save' })).rows).toBe(1);
    secrets.set('central-reader-token', readerToken);
    await central.stop();
    try {
      expect(await call('reports.generate', { ...november, source: 'central', format: 'csv', delivery: 'save' })).toMatchObject({ ok: false, error: { code: 'CENTRAL_UNREACHABLE' } });
      expect(fr.errors.CENTRAL_UNREACHABLE).toMatch(/injoignable/);
      const local = await generate({ ...november, format: 'csv', delivery: 'save' });
      expect(local.rows).toBe(1);
      expect(local.fileName).not.toContain('tous-postes');
    } finally {
      await central.start();
    }
    // No reader token: the source is not offered, and asked anyway it is a clear refusal.
    secrets.delete('central-reader-token');
    expect(await call('reports.sources')).toMatchObject({ ok: true, value: { central: false } });
    expect(await call('reports.preview', { ...november, source: 'central' })).toMatchObject({ ok: false, error: { code: 'CENTRAL_NOT_CONFIGURED' } });
    secrets.set('central-reader-token', readerToken);
  }, 30000);

  test('over TLS with an internal CA: read with the CA file; without it, or under another name, CENTRAL_TLS', async () => {
    const pki = makePki({ dns: [], ip: ['127.0.0.1'] });
    const tls = buildServer(central.db, { https: { cert: pki.cert, key: pki.key } });
    await tls.listen({ host: '127.0.0.1', port: 0 });
    const port = (tls.server.address() as AddressInfo).port;
    try {
      const read = await readCentral({ serverUrl: `https://127.0.0.1:${port}`, readerToken, ca: pki.ca }, {}, { now: Date.now() });
      expect([read.count, read.consoles, read.serverOrigin]).toEqual([4, ['poste-a', 'poste-b'], `https://127.0.0.1:${port}`]);
      await expect(readCentral({ serverUrl: `https://127.0.0.1:${port}`, readerToken }, {}, { now: Date.now() })).rejects.toMatchObject({ code: 'CENTRAL_TLS' });
      await expect(readCentral({ serverUrl: `https://localhost:${port}`, readerToken, ca: pki.ca }, {}, { now: Date.now() })).rejects.toMatchObject({ code: 'CENTRAL_TLS' });
      expect(fr.errors.CENTRAL_TLS).toContain('certificat');
    } finally {
      await tls.close();
      pki.cleanup();
    }
  }, 30000);

  test('a broken central server (a cursor that comes back, a page far too large, a row that does not read): CENTRAL_ANSWER_INVALID, no spool left', async () => {
    const row = { grantId: 'x', consoleId: 'poste-x', requestedAt: T0, startsAt: T0, scheduledEndAt: T0, grantedMin: 120, effectiveMin: null, siteId: 's', siteName: 'S', serviceId: 'v', serviceName: 'V', motive: 'vols', justification: '', cameras: [], operatorMatricule: 'OP1', operatorName: 'O', endedAt: null, endReason: null };
    const answers: Record<string, (res: http.ServerResponse) => void> = {
      loop: (res) => res.end(JSON.stringify({ rows: [row], total: 2, nextCursor: 'toujours-le-meme' })),
      huge: (res) => {
        res.write(`{"rows":[${JSON.stringify(row)}`);
        const chunk = `,${JSON.stringify(row)}`.repeat(2000);
        for (let i = 0; i < 120; i++) res.write(chunk);
        res.end('],"total":1,"nextCursor":null}');
      },
      badRow: (res) => res.end(JSON.stringify({ rows: [{ ...row, motive: 'curiosite' }], total: 1, nextCursor: null })),
    };
    let mode = 'loop';
    const broken = http.createServer((_req, res) => {
      // The console hangs up on the huge page: the rest of it has nowhere to go.
      res.on('error', () => undefined);
      try {
        answers[mode]!(res);
      } catch {
        res.destroy();
      }
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', () => r()));
    const spool = path.join(tmp.dir, 'broken.ndjson');
    try {
      for (mode of Object.keys(answers)) {
        const c = { serverUrl: `http://127.0.0.1:${(broken.address() as AddressInfo).port}`, readerToken: readerToken };
        await expect(readCentral(c, {}, { now: Date.now(), spool })).rejects.toMatchObject({ code: 'CENTRAL_ANSWER_INVALID' });
        expect(readdirSync(tmp.dir)).not.toContain('broken.ndjson');
      }
    } finally {
      broken.closeAllConnections();
      await new Promise((r) => broken.close(r));
    }
  }, 30000);
});
