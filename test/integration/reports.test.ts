import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { appendEntries } from '../../db/journal';
import { OffsetClock } from '../../main/clock';
import { createServices, type Services } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { createDispatcher, type Dispatch } from '../../main/transport/dispatch';
import { grantEntries } from '../helpers/db';
import { repoRoot, tmpDir } from '../helpers/tmp';

/**
 * Registry reports (issue G1) on the real service graph: demo catalogue in a real SQLite file,
 * the real PDF read back with poppler's pdftotext, the real CSV parsed back. The delivery writes
 * the file where a save dialog would (the Electron path); the headless link is tested end to end.
 */
const silent = { info() {}, warn() {}, error() {} };
// Jeudi 17 juin 2021, 14 h 05 à Paris (UTC+2).
const T0 = Date.UTC(2021, 5, 17, 12, 5);
const HOSTILE = 'Vol signalé ; le gardien a dit "urgent"\nDeuxième ligne ; « guillemets » et ;; fin';
const FORMULA = '=HYPERLINK("http://x");1';

function sqlite(file: string, sql: string): string {
  return execFileSync('sqlite3', [file, sql], { encoding: 'utf8' });
}

/** RFC 4180 with `;`: what a spreadsheet does with the file. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') endCell();
    else if (c === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += c;
  }
  if (cell || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}

async function boot(dir: string, out: string): Promise<Services> {
  return createServices({
    shell: 'headless',
    dataDir: dir,
    assetsDir: path.join(repoRoot, 'assets'),
    settings: openConfSettings(dir),
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
}

describe('registry reports', () => {
  const tmp = tmpDir('csu-reports-');
  const out = path.join(tmp.dir, 'out');
  let s: Services;
  let dispatch: Dispatch;
  const june = { period: { kind: 'month', month: '2021-06' } };

  beforeAll(async () => {
    mkdirSync(out);
    s = await boot(path.join(tmp.dir, 'data'), out);
    dispatch = createDispatcher(s.handlers, silent, () => s.session.operator);
    const g = grantEntries(T0, { grantId: 'g-known', durationMin: 180 });
    (g[0]!.payload as { justification: string }).justification = HOSTILE;
    const g2 = grantEntries(T0 + 3600000, { grantId: 'g-formula', durationMin: 120, siteId: 'bobinet-sellier', motive: 'vols' });
    (g2[0]!.payload as { justification: string }).justification = FORMULA;
    await appendEntries(s.db, s.consoleId, [
      ...g,
      { kind: 'transmission.ended', actor: 'OP101', ts: T0 + 150 * 60000, payload: { grantId: 'g-known', reason: 'stopped_by_operator', scheduledEndAt: T0 + 180 * 60000, observedAt: T0 + 150 * 60000, endedAt: T0 + 150 * 60000, stoppedBy: 'OP101' } },
      ...g2,
      { kind: 'transmission.ended', actor: 'system', ts: T0 + 3 * 3600000, payload: { grantId: 'g-formula', reason: 'expired', scheduledEndAt: T0 + 3 * 3600000, observedAt: T0 + 3 * 3600000, endedAt: T0 + 3 * 3600000 } },
      { kind: 'request.refused', actor: 'OP102', ts: T0 + 7200000, payload: { siteId: 'tripode', cameraIds: ['tripode-hall-arcade'], motive: 'vols', durationMin: 120, operator: 'OP102', reasons: ['OPERATOR_NOT_DESIGNATED'] } },
    ]);
    await s.session.login('SUP201', 'demo-superviseur');
  }, 60000);
  afterAll(async () => {
    await s.close();
    tmp.cleanup();
  });

  async function generate(args: Record<string, unknown>) {
    const r = await dispatch('reports.generate', args, { transport: 'ws' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value as { savedTo: string; rows: number; pages?: number; sha256: string };
  }

  test('PDF: French headers, every field of a known grant, refusals, totals, page N / M, the verification line', async () => {
    const r = await generate({ ...june, format: 'pdf', delivery: 'save' });
    expect(r.rows).toBe(2);
    copyFileSync(r.savedTo, '/work/shots-g1/report-test.pdf');
    // Raw order keeps a wrapped cell's lines together; -layout keeps the pages' look (footer check below).
    const text = execFileSync('pdftotext', ['-raw', r.savedTo, '-'], { encoding: 'utf8' });
    for (const s of [
      'Rapport du registre des transmissions',
      'Centre de supervision urbaine de Charenton-le-Pont',
      'du 01/06/2021 au 30/06/2021',
      'Jour',
      'Durée accordée',
      'Service réceptionnaire',
      // The known grant: day, hour, granted 3 h, effective 2 h 30, service, motive, site, camera, operator, end.
      '17/06/2021',
      '14 h 05',
      '3 h',
      '2 h 30',
      'Police municipale de',
      'dégradations',
      'Résidence du Tripode',
      "Hall — 1 rue de l'Arcade",
      'Camille Durand (OP101)',
      "Interrompue par l'opérateur",
      // The refused request and its reason in French.
      '1 demande refusée',
      'OP102',
      'Totaux',
      'Par motif',
      'Par opérateur',
      'Visa du superviseur',
      'par Nadia Benali (SUP201)',
    ]) {
      expect(text.replace(/\s+/g, ' ')).toContain(s.replace(/\s+/g, ' '));
    }
    expect(text).toMatch(/Registre vérifié jusqu'à l'entrée n° \d+ — empreinte [0-9a-f]{4}…[0-9a-f]{2}/);
    expect(text).toMatch(/entrées? non encore transmises? au serveur central|Serveur central : à jour/);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [r.savedTo], { encoding: 'utf8' }))![1]);
    expect(r.pages).toBe(pages);
    expect(text).toContain(`page ${pages} / ${pages}`);
    expect(text).not.toContain('Registre altéré');
  }, 30000);

  test('CSV: BOM, « ; », French dates, hostile justifications survive a round trip, formulas neutralised', async () => {
    const r = await generate({ ...june, format: 'csv', delivery: 'save' });
    const raw = readFileSync(r.savedTo);
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(raw.toString('utf8').slice(1));
    const head = rows[0]!;
    expect(head.slice(0, 3)).toEqual(['Jour', 'Heure', 'Début']);
    const col = (name: string) => head.indexOf(name);
    expect(rows).toHaveLength(3);
    const known = rows.find((x) => x[col('Identifiant de la transmission')] === 'g-known')!;
    expect(known[col('Précisions / Justification')]).toBe(HOSTILE);
    expect(known[col('Début')]).toBe('17/06/2021 14:05');
    expect(known[col('Fin effective')]).toBe('17/06/2021 16:35');
    expect(known[col('Durée accordée')]).toBe('3 h');
    expect(known[col('Durée effective')]).toBe('2 h 30');
    expect(known[col('Durée effective (min)')]).toBe('150');
    expect(known[col('Motif')]).toBe('dégradations');
    const formula = rows.find((x) => x[col('Identifiant de la transmission')] === 'g-formula')!;
    expect(formula[col('Précisions / Justification')]).toBe(`'${FORMULA}`);
    expect(rows.every((x) => x.length === head.length)).toBe(true);
  }, 30000);

  test('every report is journaled with who, filters, format, rows and the SHA-256 of the file; its verification too', async () => {
    const r = await generate({ ...june, siteId: 'tripode', format: 'csv', delivery: 'save' });
    const last = await s.db('journal').where({ kind: 'report.generated' }).orderBy('seq', 'desc').first();
    const payload = JSON.parse(last.payload);
    const sha = execFileSync('sha256sum', [r.savedTo], { encoding: 'utf8' }).split(' ')[0];
    expect({ actor: last.actor, ...payload }).toEqual({ actor: 'SUP201', format: 'csv', rows: 1, sha256: sha, source: 'local', filters: expect.objectContaining({ siteId: 'tripode', period: june.period }) });
    const verified = await s.db('journal').where({ kind: 'registry.verified' }).orderBy('seq', 'desc').first();
    expect(verified.actor).toBe('SUP201');
    expect(JSON.parse(verified.payload)).toMatchObject({ ok: true });
    expect(verified.seq).toBeLessThan(last.seq);
  }, 30000);

  test('bad input: inverted, empty, over 366 days, unknown site: each its own code and French text', async () => {
    const code = async (args: Record<string, unknown>) => {
      const r = await dispatch('reports.preview', args, { transport: 'ws' });
      return r.ok ? 'ok' : r.error.code;
    };
    expect(await code({ period: { kind: 'custom', from: '2021-06-30', to: '2021-06-01' } })).toBe('PERIOD_INVALID');
    expect(await code({ period: { kind: 'custom', from: '', to: '' } })).toBe('PERIOD_EMPTY');
    expect(await code({ period: { kind: 'day', day: '2021-02-30' } })).toBe('PERIOD_INVALID');
    expect(await code({ period: { kind: 'custom', from: '2020-01-01', to: '2021-01-01' } })).toBe('REPORT_PERIOD_TOO_LONG');
    expect(await code({ period: { kind: 'custom', from: '2020-01-01', to: '2020-12-31' } })).toBe('ok');
    expect(await code({ ...june, siteId: 'nulle-part' })).toBe('SITE_UNKNOWN');
    expect(await code({ ...june, bailleurId: 'personne' })).toBe('BAILLEUR_UNKNOWN');
    const fr = JSON.parse(readFileSync(path.join(repoRoot, 'assets/locales/fr.json'), 'utf8')).errors;
    for (const c of ['PERIOD_INVALID', 'PERIOD_EMPTY', 'REPORT_PERIOD_TOO_LONG', 'SITE_UNKNOWN']) expect(fr[c]).toMatch(/[a-zé]/);
  });

  test('an operator is refused in main, and nothing is journaled', async () => {
    const before = await s.db('journal').where({ kind: 'report.generated' }).count({ n: '*' });
    await s.session.logout();
    await s.session.login('OP101', 'demo-operateur');
    const r = await dispatch('reports.generate', { ...june, format: 'pdf', delivery: 'save' }, { transport: 'ws' });
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) });
    expect(await s.db('journal').where({ kind: 'report.generated' }).count({ n: '*' })).toEqual(before);
    await s.session.logout();
    await s.session.login('SUP201', 'demo-superviseur');
  });

  test('a tampered row in a copy of the database: the report still comes out, « Registre altéré » on its first page', async () => {
    const copy = path.join(tmp.dir, 'copy');
    mkdirSync(copy);
    await s.db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    copyFileSync(path.join(tmp.dir, 'data', 'console.sqlite'), path.join(copy, 'console.sqlite'));
    copyFileSync(path.join(tmp.dir, 'data', 'settings.json'), path.join(copy, 'settings.json'));
    const file = path.join(copy, 'console.sqlite');
    const seq = Number(sqlite(file, "SELECT seq FROM journal WHERE kind = 'request.accepted' AND payload LIKE '%g-known%'").trim());
    sqlite(file, `DROP TRIGGER journal_no_update; UPDATE journal SET payload = replace(payload, '"durationMin":180', '"durationMin":120') WHERE seq = ${seq}`);
    const s2 = await boot(copy, out);
    try {
      await s2.session.login('SUP201', 'demo-superviseur');
      const d2 = createDispatcher(s2.handlers, silent, () => s2.session.operator);
      const r = await d2('reports.generate', { ...june, format: 'pdf', delivery: 'save' }, { transport: 'ws' });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      const v = r.value as { savedTo: string };
      copyFileSync(v.savedTo, '/work/shots-g1/report-altered.pdf');
      const first = execFileSync('pdftotext', ['-l', '1', '-layout', v.savedTo, '-'], { encoding: 'utf8' });
      expect(first.replace(/\s+/g, ' ')).toContain(`Registre altéré à l'entrée n° ${seq}`);
    } finally {
      await s2.close();
    }
  }, 60000);
});
