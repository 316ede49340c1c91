import { readFileSync } from 'node:fs';
import path from 'node:path';
import { catalogueVersion, getOperator, listCameras, listSites } from '../../db/catalogue';
import { parseCatalogueFile, type CatalogueFileInput } from '../../db/catalogue-file';
import { diffCatalogue, exportCatalogue, importCatalogue } from '../../db/catalogue-import';
import { verifyPassword } from '../../db/passwords';
import { freshDb } from '../helpers/db';
import { repoRoot } from '../helpers/tmp';

/** The catalogue file (issue G2): validation with JSON paths, dry run, all-or-nothing import, export without secrets — on real SQLite files. */
const examplePath = path.join(repoRoot, 'assets', 'examples', 'catalogue-charenton.json');
const example = (): CatalogueFileInput => JSON.parse(readFileSync(examplePath, 'utf8')) as CatalogueFileInput;
const NOW = Date.UTC(2026, 10, 26, 10);

function parsed(f: CatalogueFileInput) {
  const r = parseCatalogueFile(JSON.stringify(f));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.file;
}

describe('catalogue file: validation', () => {
  test('the shipped example is valid', () => {
    expect(parseCatalogueFile(readFileSync(examplePath, 'utf8'))).toMatchObject({ ok: true });
  });

  test('each problem has its JSON path and a code, all at once', () => {
    const f = example() as any;
    f.sites[1].cameras[0].zone = 'garage';
    f.sites[0].cameras[1].url = 'http://192.0.2.11/flux';
    f.sites[0].cameras[2].url = 'rtsp://admin:secret@192.0.2.12/flux';
    f.sites[0].conventions[0].validTo = '2027-03-01';
    f.sites[0].conventions[0].minDurationMin = 60;
    f.operators[2].matricule = 'OP101';
    f.sites[1].surprise = true;
    let r = parseCatalogueFile(JSON.stringify(f));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    // zod's structural problems come first; the cross-entity checks run on a structurally valid file.
    expect(r.problems).toEqual(
      expect.arrayContaining([
        { path: 'sites[1].cameras[0].zone', code: 'unknown_value', params: { value: 'garage' } },
        { path: 'sites[0].conventions[0].minDurationMin', code: 'too_small', params: { min: 120 } },
        { path: 'sites[1].surprise', code: 'unknown_field' },
      ]),
    );
    f.sites[1].cameras[0].zone = 'hall';
    f.sites[0].conventions[0].minDurationMin = 120;
    delete f.sites[1].surprise;
    r = parseCatalogueFile(JSON.stringify(f));
    if (r.ok) throw new Error('accepted');
    expect(r.problems).toEqual([
      { path: 'operators[2].matricule', code: 'duplicate', params: { value: 'OP101' } },
      { path: 'sites[0].cameras[1].url', code: 'url' },
      { path: 'sites[0].cameras[2].url', code: 'credentials_in_url' },
      { path: 'sites[0].conventions[0].validTo', code: 'convention_too_long', params: { max: '2026-12-31' } },
    ]);
  });

  test('garbage, 10 MB of it, a missing field, an unknown reference, a weak temporary password', () => {
    expect(parseCatalogueFile('{ pas du json')).toMatchObject({ ok: false, problems: [{ code: 'not_json' }] });
    expect(parseCatalogueFile('x'.repeat(10 * 1024 * 1024))).toMatchObject({ ok: false, problems: [{ code: 'file_too_large' }] });
    expect(parseCatalogueFile('[]')).toMatchObject({ ok: false, problems: [{ path: '(racine)', code: 'type' }] });
    const f = example() as any;
    delete f.sites[0].name;
    expect(parseCatalogueFile(JSON.stringify(f))).toMatchObject({ ok: false, problems: [{ path: 'sites[0].name', code: 'required' }] });
    const g = example() as any;
    g.sites[0].bailleurId = 'nobody';
    g.sites[0].conventions[0].serviceIds = ['pm-charenton', 'gendarmerie'];
    g.operators[0].temporaryPassword = 'court';
    g.operators[1].temporaryPassword = 'mot-de-passe-SUP201';
    expect(parseCatalogueFile(JSON.stringify(g))).toEqual({
      ok: false,
      problems: [
        { path: 'sites[0].bailleurId', code: 'unknown_ref', params: { value: 'nobody' } },
        { path: 'sites[0].conventions[0].serviceIds[1]', code: 'unknown_ref', params: { value: 'gendarmerie' } },
        { path: 'operators[0].temporaryPassword', code: 'password_short', params: { min: 12 } },
        { path: 'operators[1].temporaryPassword', code: 'password_is_matricule', params: { min: 12 } },
      ],
    });
  });
});

describe('catalogue file: import and export', () => {
  test('a dry run lists the changes and writes nothing; the import applies them, journals them, raises the version', async () => {
    const t = await freshDb();
    try {
      const file = parsed(example());
      const v0 = await catalogueVersion(t.db);
      const dry = await diffCatalogue(t.db, file);
      expect(dry.filter((c) => c.change === 'created').length).toBe(2 + 2 + 2 + 10 + 2 + 3);
      expect(await listSites(t.db)).toEqual([]);
      expect(await catalogueVersion(t.db)).toBe(v0);

      const r = await importCatalogue(t.db, 'c-1', file, { actor: 'ADM1', now: NOW });
      expect(r.changes).toEqual(dry);
      expect(r.version).toBe(v0 + 1);
      expect((await listSites(t.db)).map((s) => s.id).sort()).toEqual(['bobinet-sellier', 'tripode']);
      // New operators without a password get a temporary one, to change at first login.
      expect(r.temporaryPasswords.map((p) => p.matricule)).toEqual(['OP101', 'SUP201', 'OP102']);
      const op = (await getOperator(t.db, 'OP101'))!;
      expect(op).toMatchObject({ mustChangePassword: true, designatedSince: '2026-01-05', designationRef: 'Arrêté municipal n° 2026-014' });
      expect(await verifyPassword(r.temporaryPasswords[0]!.password, op.passwordHash)).toBe(true);
      const journaled = await t.db('journal').where({ kind: 'catalogue.changed' });
      expect(journaled.length).toBe(dry.length);
      expect(journaled.every((j: { actor: string }) => j.actor === 'ADM1')).toBe(true);

      // Again: nothing to do. Then one label, one operator gone, the importer kept.
      expect(await diffCatalogue(t.db, file)).toEqual([]);
      const g = example() as any;
      g.sites[0].cameras[0].label = 'Hall principal — 1 rue de l’Arcade';
      g.operators = g.operators.filter((o: { matricule: string }) => o.matricule !== 'OP102' && o.matricule !== 'SUP201');
      const changes = await diffCatalogue(t.db, parsed(g), 'SUP201');
      expect(changes).toEqual([
        { entity: 'camera', id: 'tripode-hall-arcade', change: 'updated', fields: ['label'], before: { label: "Hall — 1 rue de l'Arcade" }, after: { label: 'Hall principal — 1 rue de l’Arcade' } },
        { entity: 'operator', id: 'OP102', change: 'deactivated', fields: ['active'], before: { active: true }, after: { active: false } },
      ]);
    } finally {
      await t.cleanup();
    }
  });

  test('all or nothing: an import that fails midway leaves the catalogue, the journal and the version as they were', async () => {
    const t = await freshDb();
    try {
      await importCatalogue(t.db, 'c-1', parsed(example()), { actor: 'ADM1', now: NOW });
      const before = { sites: await listSites(t.db), cameras: await listCameras(t.db), version: await catalogueVersion(t.db), journal: await t.db('journal').count({ n: '*' }) };
      const g = example() as any;
      g.sites[0].name = 'Tripode (renommée)';
      g.sites.push({ id: 'nouvelle', name: 'Nouvelle résidence', bailleurId: 'i3f', addresses: ['1 rue X'], town: 'Charenton-le-Pont', homes: 10, cameras: [{ id: 'n1', label: 'Hall', zone: 'hall', url: 'rtsp://192.0.2.99/x' }] });
      // The journal refuses this actor (over 64 characters) after every catalogue row is written: the transaction must undo them.
      await expect(importCatalogue(t.db, 'c-1', parsed(g), { actor: 'x'.repeat(65), now: NOW })).rejects.toThrow(/actor/);
      expect({ sites: await listSites(t.db), cameras: await listCameras(t.db), version: await catalogueVersion(t.db), journal: await t.db('journal').count({ n: '*' }) }).toEqual(before);
    } finally {
      await t.cleanup();
    }
  });

  test('camera passwords go to the caller for the secret store, never to the database, the journal or the export; export → import changes nothing', async () => {
    const t = await freshDb();
    try {
      const f = example() as any;
      f.sites[0].cameras[0].password = 'Secr3t-Camera!';
      const r = await importCatalogue(t.db, 'c-1', parsed(f), { actor: 'ADM1', now: NOW });
      expect(r.cameraSecrets).toEqual([{ cameraId: 'tripode-hall-arcade', password: 'Secr3t-Camera!' }]);
      const dump = JSON.stringify([await t.db('journal').select(), await t.db('cameras').select(), await t.db('operators').select('matricule', 'name')]);
      expect(dump).not.toContain('Secr3t-Camera!');
      const exported = await exportCatalogue(t.db);
      const text = JSON.stringify(exported);
      expect(text).not.toContain('Secr3t-Camera!');
      expect(text).not.toContain('scrypt$');
      expect(text).not.toContain('temporaryPassword');
      expect(await diffCatalogue(t.db, parsed(exported))).toEqual([]);
    } finally {
      await t.cleanup();
    }
  });
});
