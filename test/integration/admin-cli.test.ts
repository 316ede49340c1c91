import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db';
import { getOperator, listSites } from '../../db/catalogue';
import { fileSecretStore } from '../../main/secrets';
import { openConfSettings } from '../../main/settings/conf-store';
import { repoRoot, tmpDir } from '../helpers/tmp';

/** `npm run admin` (issue G2), the built CLI run as an installer would, on a fresh production data folder. */
const cli = path.join(repoRoot, 'dist', 'main', 'admin-cli.js');
const example = path.join(repoRoot, 'assets', 'examples', 'catalogue-charenton.json');

function run(args: string[], input = ''): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(input);
  });
}

describe('admin CLI', () => {
  const tmp = tmpDir('csu-cli-');
  beforeAll(() => {
    openConfSettings(tmp.dir).update({ mode: 'production' });
  });
  afterAll(() => tmp.cleanup());

  test('create-admin asks the password (never an argument), twice, under the policy; only once per console', async () => {
    const d = ['--data-dir', tmp.dir];
    const differ = await run(['create-admin', '--matricule', 'ADM1', '--name', 'Alice Admin', ...d], 'correct cheval batterie\nautre chose encore\n');
    expect(differ).toMatchObject({ code: 1 });
    expect(differ.err).toContain('Les deux mots de passe diffèrent');
    const weak = await run(['create-admin', '--matricule', 'ADM1', ...d], 'court\ncourt\n');
    expect(weak.code).toBe(1);
    expect(weak.err).toContain('mot de passe trop court (12 caractères au moins)');
    const ok = await run(['create-admin', '--matricule', 'ADM1', '--name', 'Alice Admin', ...d], 'correct cheval batterie\ncorrect cheval batterie\n');
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toContain('Administrateur ADM1 créé');
    const again = await run(['create-admin', '--matricule', 'ADM2', ...d], 'correct cheval batterie\ncorrect cheval batterie\n');
    expect(again.code).toBe(1);
    expect(again.err).toContain('déjà initialisée');
    const db = await openDatabase(path.join(tmp.dir, 'console.sqlite'));
    expect(await getOperator(db, 'ADM1')).toMatchObject({ role: 'administrateur', designated: false, name: 'Alice Admin' });
    await db.destroy();
  }, 60000);

  test('import: problems in French with their paths and nothing applied; a dry run; the import; the export without secrets', async () => {
    const d = ['--data-dir', tmp.dir];
    const bad = JSON.parse(readFileSync(example, 'utf8'));
    bad.sites[1].cameras[0].zone = 'garage';
    const badFile = path.join(tmp.dir, 'mauvais.json');
    writeFileSync(badFile, JSON.stringify(bad));
    const refused = await run(['import', badFile, ...d]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('sites[1].cameras[0].zone : valeur inconnue « garage »');
    expect(refused.err).toContain("1 problème : rien n'a été appliqué.");

    const dry = await run(['import', example, '--dry-run', ...d]);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('Ajout : caméra tripode-hall-arcade');
    expect(dry.out).toMatch(/Vérification seule : \d+ changements, rien n'a été appliqué\./);
    let db = await openDatabase(path.join(tmp.dir, 'console.sqlite'));
    expect(await listSites(db)).toEqual([]);
    await db.destroy();

    const applied = await run(['import', example, ...d]);
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(/changements appliqués ; catalogue en version \d+\./);
    expect(applied.out).toMatch(/Mot de passe provisoire de OP101 .*: \w{4}-\w{4}-\w{4}-\w{4}/);
    db = await openDatabase(path.join(tmp.dir, 'console.sqlite'));
    expect((await listSites(db)).length).toBe(2);
    expect(await getOperator(db, 'OP101')).toMatchObject({ mustChangePassword: true });
    await db.destroy();

    const exported = await run(['export', ...d]);
    expect(exported.code).toBe(0);
    const file = JSON.parse(exported.out);
    expect(file.format).toBe('csu-catalogue');
    expect(exported.out).not.toMatch(/scrypt|temporaryPassword|"password"/);
  }, 60000);

  test('a console following a central catalogue refuses a local import (dry runs still work)', async () => {
    const follower = tmpDir('csu-cli-follower-');
    try {
      // No server needs to answer: the rule holds offline too (the console never learnt it may publish).
      openConfSettings(follower.dir).update({ mode: 'production', mirror: { serverUrl: 'http://127.0.0.1:9' } });
      fileSecretStore(follower.dir).set('mirror-token', 'x'.repeat(43));
      const d = ['--data-dir', follower.dir];
      expect((await run(['create-admin', '--matricule', 'ADM1', '--name', 'Alice Admin', ...d], 'correct cheval batterie\ncorrect cheval batterie\n')).code).toBe(0);
      expect((await run(['import', example, '--dry-run', ...d])).code).toBe(0);
      const refused = await run(['import', example, ...d]);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('Ce poste suit le catalogue du serveur central');
      const db = await openDatabase(path.join(follower.dir, 'console.sqlite'));
      expect(await listSites(db)).toEqual([]);
      await db.destroy();
    } finally {
      follower.cleanup();
    }
  });

  test('wrong usage says how to use it', async () => {
    const r = await run(['effacer-tout']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage : npm run admin --');
  });
});
