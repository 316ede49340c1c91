import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fr from '../../assets/locales/fr.json';
import { newSigningKey } from '../../db/journal-signature';
import { testMirror } from '../../main/admin/mirror-test';
import { Mirror, type MirrorStatus } from '../../main/mirror/mirror';
import { OffsetClock } from '../../main/clock';
import { fileSecretStore } from '../../main/secrets';
import { createServices, type Services } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { createDispatcher } from '../../main/transport/dispatch';
import { addSignedConsole } from '../../server/enrolment';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { appendGrant, freshDb } from '../helpers/db';
import { makePki } from '../helpers/pki';
import { repoRoot, tmpDir } from '../helpers/tmp';
import { waitFor } from '../helpers/ws-client';

/**
 * The console's side of G6: « non enrôlé » and « signature invalide » are their own refusals (in
 * the mirror's status and in « Tester la connexion »), not the generic « accès refusé »; the
 * administrateur stores the enrolment code, the reader token and the CA file in « Serveur central ».
 */
const silent = { info() {}, warn() {}, error() {} };
const T0 = Date.UTC(2026, 10, 20, 9);

describe('the console facing a signing central server (PostgreSQL)', () => {
  let dbInfo: { url: string; drop: () => Promise<void> };
  let central: Central;

  beforeAll(async () => {
    dbInfo = await freshCentralDb('postgres');
    central = await startCentral(dbInfo.url);
  }, 30000);
  afterAll(async () => {
    await central.stop();
    await central.db.destroy();
    await dbInfo.drop();
  });

  async function refusedWith(consoleId: string, token: string, key: string, code: string | undefined): Promise<MirrorStatus> {
    const local = await freshDb();
    try {
      await appendGrant(local.db, consoleId, T0, { grantId: `${consoleId}-1` });
      const m = new Mirror({ db: local.db, consoleId, serverUrl: central.url, token, signing: { privateKeyPem: key, enrolmentCode: () => code }, clock: { now: () => Date.now() }, log: silent, backoffMinMs: 20, backoffMaxMs: 300, pollMs: 50 });
      m.start();
      await waitFor(() => m.current?.state === 'refused' || m.current?.state === 'synchronised', 20000, 'an answer');
      await m.stop();
      return m.current!;
    } finally {
      await local.cleanup();
    }
  }

  test('not enrolled, code refused, signature invalid: each its own reason, in the status and in « Tester la connexion »', async () => {
    const fresh = await addSignedConsole(central.db, 'poste-neuf', Date.now());
    const key = newSigningKey();
    expect(await refusedWith('poste-neuf', fresh.token, key.privateKeyPem, undefined)).toMatchObject({ state: 'refused', status: 401, reason: 'not_enrolled' });
    expect(await refusedWith('poste-neuf', fresh.token, key.privateKeyPem, 'mauvais-code-123')).toMatchObject({ state: 'refused', status: 401, reason: 'enrolment_code_refused' });
    const probe = { serverUrl: central.url, token: fresh.token, consoleId: 'poste-neuf', publicKey: key.publicKeyPem };
    expect(await testMirror(probe)).toMatchObject({ ok: false, error: 'NOT_ENROLLED', status: 200 });
    // Enrolled with its key: all is well.
    expect(await refusedWith('poste-neuf', fresh.token, key.privateKeyPem, fresh.code)).toMatchObject({ state: 'synchronised' });
    expect(await testMirror(probe)).toMatchObject({ ok: true, error: null });
    // Another key on the console (reinstalled without a rotate): « signature invalide ».
    const other = newSigningKey();
    expect(await refusedWith('poste-neuf', fresh.token, other.privateKeyPem, undefined)).toMatchObject({ state: 'refused', status: 401, reason: 'bad_signature' });
    expect(await testMirror({ ...probe, publicKey: other.publicKeyPem })).toMatchObject({ ok: false, error: 'SIGNATURE_INVALID' });
    // A wrong token stays « jeton refusé ».
    expect(await refusedWith('poste-neuf', 'z'.repeat(43), key.privateKeyPem, undefined)).toMatchObject({ state: 'refused', reason: 'token' });
    for (const k of ['not_enrolled', 'bad_signature', 'enrolment_code_refused', 'token'] as const) expect(fr.mirror.refusedReasons[k]).toBeTruthy();
    expect(fr.mirror.refusedReasons.not_enrolled).toContain('non enrôlé');
    expect(fr.mirror.refusedReasons.bad_signature).toContain('signature invalide');
    expect(fr.admin.mirror.errors.NOT_ENROLLED).toContain("n'est pas enrôlé");
  }, 60000);

  test('« Serveur central »: enrolment code, reader token (write-only) and CA file (checked) from the admin section', async () => {
    const tmp = tmpDir('csu-central-admin-');
    const pki = makePki({ dns: ['localhost'], ip: ['127.0.0.1'] });
    let s: Services | undefined;
    try {
      const dataDir = path.join(tmp.dir, 'data');
      const settings = openConfSettings(dataDir);
      s = await createServices({ shell: 'headless', dataDir, assetsDir: path.join(repoRoot, 'assets'), settings, clock: new OffsetClock(), log: silent });
      const dispatch = createDispatcher(s.handlers, silent, () => s!.session.operator);
      await s.session.login('ADM301', 'demo-administrateur');
      const call = (m: string, a?: unknown) => dispatch(m, a, { transport: 'ws' }) as Promise<{ ok: boolean; value?: any; error?: any }>;
      const notPem = path.join(tmp.dir, 'pas-un-certificat.pem');
      writeFileSync(notPem, 'bonjour');
      await expect(call('admin.setMirror', { serverUrl: central.url, caFile: path.join(tmp.dir, 'absent.pem') })).resolves.toMatchObject({ ok: false, error: { code: 'CATALOGUE_INVALID', details: { problems: [{ path: 'caFile', code: 'ca_unreadable', params: { reason: 'ENOENT' } }] } } });
      await expect(call('admin.setMirror', { serverUrl: central.url, caFile: notPem })).resolves.toMatchObject({ ok: false, error: { details: { problems: [{ path: 'caFile', code: 'ca_not_certificate' }] } } });
      expect(fr.importErrors.ca_not_certificate).toContain('certificat');
      const reader = 'jeton-lecteur-0123456789abcdef';
      await expect(call('admin.setMirror', { serverUrl: central.url, token: 'jeton-du-poste-0123456789', enrolmentCode: 'code-enrolement-42', readerToken: reader, caFile: pki.caFile })).resolves.toMatchObject({ ok: true });
      const cat = (await call('admin.catalogue')).value;
      expect(cat.mirror).toEqual({ serverUrl: central.url, caFile: pki.caFile, hasToken: true, hasEnrolmentCode: true, hasReaderToken: true });
      expect(settings.get().mirror).toEqual({ serverUrl: central.url, caFile: pki.caFile });
      const secrets = fileSecretStore(dataDir);
      expect([secrets.get('mirror-enrolment-code'), secrets.get('central-reader-token')]).toEqual(['code-enrolement-42', reader]);
      // Never in the journal, never back to the renderer.
      const journal = JSON.stringify(await s.db('journal').select());
      for (const secret of ['jeton-du-poste-0123456789', 'code-enrolement-42', reader]) {
        expect(journal).not.toContain(secret);
        expect(JSON.stringify(cat)).not.toContain(secret);
      }
      // The reader token makes « Tous les postes du CSU » available at once (no restart).
      expect(await call('reports.sources')).toMatchObject({ ok: true, value: { central: true } });
      // An empty CA field forgets the file.
      await expect(call('admin.setMirror', { serverUrl: central.url, caFile: null })).resolves.toMatchObject({ ok: true });
      expect(settings.get().mirror).toEqual({ serverUrl: central.url });
    } finally {
      await s?.close();
      pki.cleanup();
      tmp.cleanup();
    }
  }, 60000);
});
