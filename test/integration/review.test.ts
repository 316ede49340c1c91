import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OffsetClock } from '../../main/clock';
import { verifyBundle } from '../../main/review/verify';
import { createServices, type Services } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { createDispatcher } from '../../main/transport/dispatch';
import { repoRoot, tmpDir } from '../helpers/tmp';
import { runVerifier, unzip, zipOf } from '../helpers/evidence';

/**
 * Incident review and evidence (issue G3) on the real service graph: the timeline of a day, the
 * entry behind a marker, a bundle written, checked offline, then tampered with in every way the
 * issue names — and the verifier names exactly that.
 */
const silent = { info() {}, warn() {}, error() {} };
const MIN = 60000;
const base = { siteId: 'tripode', motive: 'atteintes_integrite_physique', justification: 'Agression signalée dans le hall par un locataire.', serviceId: 'pn-charenton' };

/** What the verifier says of the journal and the files; the signatures' findings are evidence-signatures.test.ts's. */
const journalProblems = (v: { problems: { file?: string }[] }) => v.problems.filter((p) => p.file !== 'signatures.json');

describe('incident review and evidence', () => {
  const tmp = tmpDir('csu-review-');
  const clock = new OffsetClock();
  let s: Services;
  let call: (ch: string, args?: unknown) => Promise<any>;
  let from = 0;
  let bundle = '';

  beforeAll(async () => {
    s = await createServices({ shell: 'headless', dataDir: tmp.dir, assetsDir: path.join(repoRoot, 'assets'), settings: openConfSettings(tmp.dir), clock, log: silent });
    const dispatch = createDispatcher(s.handlers, silent, () => s.session.operator);
    call = (ch, args) => dispatch(ch, args, { transport: 'ws' });
    from = clock.now() - 1000;
    await call('session.login', { matricule: 'OP101', password: 'demo-operateur' });
    const hall = await call('grants.request', { ...base, cameraIds: ['tripode-hall-arcade', 'tripode-hall-bercy'], durationMin: 120 });
    const park = await call('grants.request', { ...base, motive: 'vols', cameraIds: ['tripode-parking-n1'], durationMin: 180, serviceId: 'pm-charenton' });
    await call('grants.openStreams', { grantId: hall.value.grant.id });
    clock.advance(40 * MIN);
    await call('grants.stop', { grantId: park.value.grant.id });
    await call('session.login', { matricule: 'SUP201', password: 'demo-superviseur' });
  }, 30000);
  afterAll(async () => {
    await s.close();
    tmp.cleanup();
  });

  test('the timeline: a lane per camera, a bar per transmission, markers on their lanes; the review itself journaled', async () => {
    const to = clock.now() + 1000;
    const t = (await call('review.timeline', { from, to })).value;
    expect(t.lanes.map((l: any) => l.cameraId).sort()).toEqual(['tripode-hall-arcade', 'tripode-hall-bercy', 'tripode-parking-n1']);
    const parking = t.lanes.find((l: any) => l.cameraId === 'tripode-parking-n1');
    expect(parking.bars).toEqual([expect.objectContaining({ ongoing: false, endReason: 'stopped_by_operator', operator: 'OP101', motive: 'vols' })]);
    // Stopped 40 minutes (moved clock) and a few real milliseconds after it started.
    expect(parking.bars[0].end - parking.bars[0].start).toBeGreaterThanOrEqual(40 * MIN);
    expect(parking.bars[0].end - parking.bars[0].start).toBeLessThan(40 * MIN + 10000);
    const hallMarkers = t.markers.filter((m: any) => m.cameraId === 'tripode-hall-arcade').map((m: any) => m.kind);
    expect(hallMarkers).toEqual(expect.arrayContaining(['request.accepted', 'transmission.started', 'stream.opened']));
    expect(t.markers.filter((m: any) => m.cameraId === null).map((m: any) => m.kind)).toEqual(expect.arrayContaining(['session.opened']));
    const marker = t.markers.find((m: any) => m.kind === 'stream.opened');
    const entry = (await call('review.entry', { seq: marker.seq })).value;
    expect(entry).toMatchObject({ seq: marker.seq, kind: 'stream.opened', actor: 'OP101', payload: { cameraId: marker.cameraId } });
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    // Narrowed to one camera: only its lane and its markers.
    const one = (await call('review.timeline', { from, to, cameraIds: ['tripode-parking-n1'] })).value;
    expect(one.lanes.map((l: any) => l.cameraId)).toEqual(['tripode-parking-n1']);
    expect(new Set(one.markers.map((m: any) => m.cameraId))).toEqual(new Set(['tripode-parking-n1']));
    const viewed = await s.db('journal').where({ kind: 'review.viewed' });
    expect(viewed.length).toBe(2);
    expect(viewed.every((v: any) => v.actor === 'SUP201')).toBe(true);
    await expect(call('review.timeline', { from: to, to: from })).resolves.toMatchObject({ ok: false, error: { code: 'PERIOD_INVALID' } });
    await expect(call('review.timeline', { from, to: from + 100 * 86400000 })).resolves.toMatchObject({ ok: false, error: { code: 'PERIOD_TOO_LONG' } });
  });

  test('an evidence bundle verifies offline, and the export is journaled', async () => {
    const r = (await call('review.exportEvidence', { from, to: clock.now() + 1000 })).value;
    bundle = r.path;
    expect(r.sha256).toBe(createHash('sha256').update(readFileSync(bundle)).digest('hex'));
    const v = await verifyBundle(bundle);
    expect(v).toMatchObject({ ok: true, problems: [] });
    expect(v.entries).toBe(r.entries + 0);
    const files = await unzip(bundle);
    // The demo console signs its journal (its embedded central enrols it): the bundle carries the signatures too.
    expect([...files.keys()].sort()).toEqual(['journal.jsonl', 'manifest.json', 'rapport.pdf', 'resume.txt', 'signatures.json']);
    expect(files.get('resume.txt')!.toString()).toContain('LOT DE PREUVES');
    // The PDF summary is the registry report of the period's days (G1's model), listed in the manifest.
    const pdf = path.join(tmp.dir, 'rapport.pdf');
    writeFileSync(pdf, files.get('rapport.pdf')!);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('Rapport du registre');
    expect(text).toContain('Parking niveau -1');
    expect(JSON.parse(files.get('manifest.json')!.toString()).files.map((f: any) => f.name)).toEqual(expect.arrayContaining(['journal.jsonl', 'resume.txt', 'rapport.pdf', 'signatures.json']));
    const exported = await s.db('journal').where({ kind: 'evidence.exported' });
    expect(JSON.parse(exported[0].payload)).toMatchObject({ sha256: r.sha256, bytes: r.bytes });
    const cli = await runVerifier([bundle]);
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(/^Lot de preuves vérifié : 5 fichiers conformes au manifeste/);
    // The demo console signs (its embedded central enrols its key); without --key the verifier says what that proves.
    expect(cli.out).toContain('Signatures du poste valides');
    const json = await runVerifier([bundle, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ ok: true });
  });

  test('tampering: each change is named — an edited journal line, a changed file, a missing or extra file, a truncated zip', async () => {
    const files = await unzip(bundle);
    const lines = files.get('journal.jsonl')!.toString().trim().split('\n');
    const target = 3;
    const edited = JSON.parse(lines[target - 1]!);
    edited.actor = 'OP999';
    lines[target - 1] = JSON.stringify(edited);
    const journal = Buffer.from(`${lines.join('\n')}\n`);

    // The journal line edited, the manifest left alone: the file no longer matches its SHA-256.
    const a = new Map(files).set('journal.jsonl', journal);
    const va = await verifyBundle(await zipOf(a, path.join(tmp.dir, 'a.zip')));
    expect(journalProblems(va)).toEqual([{ code: 'file_altered', file: 'journal.jsonl' }, { code: 'journal_hash', file: 'journal.jsonl', line: target, seq: edited.seq }]);
    // The console's signatures no longer match the edited extract either (test/integration/evidence-signatures.test.ts for the rest).
    expect(va.problems.some((p: any) => p.file === 'signatures.json' && p.code === 'signature_export_bad')).toBe(true);

    // An attacker who also rewrites the manifest: the chain still names the entry.
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    manifest.files.find((f: any) => f.name === 'journal.jsonl').sha256 = createHash('sha256').update(journal).digest('hex');
    manifest.files.find((f: any) => f.name === 'journal.jsonl').bytes = journal.length;
    const b = new Map(a).set('manifest.json', Buffer.from(JSON.stringify(manifest)));
    expect(journalProblems(await verifyBundle(await zipOf(b, path.join(tmp.dir, 'b.zip'))))).toEqual([{ code: 'journal_hash', file: 'journal.jsonl', line: target, seq: edited.seq }]);
    const cli = await runVerifier([path.join(tmp.dir, 'b.zip')]);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`Entrée altérée à la ligne ${target} : l'empreinte de l'entrée n° ${edited.seq} ne correspond plus à son contenu.`);

    // A line removed (and the manifest rewritten): the gap is named.
    const cut = [...files.get('journal.jsonl')!.toString().trim().split('\n')];
    cut.splice(4, 1);
    const cutJournal = Buffer.from(`${cut.join('\n')}\n`);
    const m2 = JSON.parse(files.get('manifest.json')!.toString());
    Object.assign(m2.files.find((f: any) => f.name === 'journal.jsonl'), { sha256: createHash('sha256').update(cutJournal).digest('hex'), bytes: cutJournal.length });
    const c = new Map(files).set('journal.jsonl', cutJournal).set('manifest.json', Buffer.from(JSON.stringify(m2)));
    expect(journalProblems(await verifyBundle(await zipOf(c, path.join(tmp.dir, 'c.zip'))))).toEqual([expect.objectContaining({ code: 'journal_gap', line: 5 })]);

    // A file missing, an extra one slipped in.
    const d = new Map(files);
    d.delete('resume.txt');
    d.set('autre.txt', Buffer.from('x'));
    expect((await verifyBundle(await zipOf(d, path.join(tmp.dir, 'd.zip')))).problems).toEqual([{ code: 'file_missing', file: 'resume.txt' }, { code: 'file_unlisted', file: 'autre.txt' }]);

    // A truncated bundle.
    const e = path.join(tmp.dir, 'e.zip');
    writeFileSync(e, readFileSync(bundle));
    truncateSync(e, Math.floor(readFileSync(bundle).length / 2));
    expect((await verifyBundle(e)).problems).toEqual([{ code: 'bundle_unreadable', file: e }]);
    expect((await runVerifier([e])).out).toContain("n'est pas une archive lisible");
  });
});
