import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { newSigningKey, signHead } from '../../db/journal-signature';
import { batchSignaturesBetween } from '../../db/mirror-state';
import { Mirror } from '../../main/mirror/mirror';
import { writeEvidenceBundle, type SignaturesFile } from '../../main/review/bundle';
import { verifyBundle } from '../../main/review/verify';
import { addSignedConsole } from '../../server/enrolment';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { appendGrant, freshDb } from '../helpers/db';
import { tmpDir } from '../helpers/tmp';
import { waitFor } from '../helpers/ws-client';
import { runVerifier, unzip, zipOf } from '../helpers/evidence';

/**
 * The console's signatures in an evidence bundle (issue G6): the mirror keeps the signature of
 * every batch the server accepted, the bundle carries those of its extract, the console's public
 * key and a signature made at export; csu-verify checks them offline and names a bad one.
 */
const silent = { info() {}, warn() {}, error() {} };
const clock = { now: () => Date.now() };
const T0 = Date.UTC(2026, 10, 20, 9);
const C = 'poste-sig';

/** One bit of a base64 signature flipped: still base64, still 64 bytes, no longer the console's. */
function flipped(signature: string): string {
  const b = Buffer.from(signature, 'base64');
  b[10] = b[10]! ^ 0x01;
  return b.toString('base64');
}

describe('console signatures in evidence bundles', () => {
  const tmp = tmpDir('csu-evsig-');
  const key = newSigningKey();
  const keyFile = path.join(tmp.dir, 'poste-sig.pem');
  let dbInfo: { url: string; drop: () => Promise<void> };
  let central: Central;
  let local: Awaited<ReturnType<typeof freshDb>>;
  let signedBundle = '';

  beforeAll(async () => {
    writeFileSync(keyFile, key.publicKeyPem);
    dbInfo = await freshCentralDb('sqlite');
    central = await startCentral(dbInfo.url);
    local = await freshDb();
    for (let g = 0; g < 12; g++) await appendGrant(local.db, C, T0 + g * 60000);
    // Sent by the real mirror, signed, in batches of 5: the console keeps each accepted batch's signature.
    const { token, code } = await addSignedConsole(central.db, C, Date.now());
    const m = new Mirror({ db: local.db, consoleId: C, serverUrl: central.url, token, signing: { privateKeyPem: key.privateKeyPem, enrolmentCode: () => code }, clock, log: silent, batchMax: 5, backoffMinMs: 20, backoffMaxMs: 300, pollMs: 50 });
    m.start();
    await waitFor(() => m.current?.state === 'synchronised', 20000, 'signed catch-up');
    await m.stop();
  }, 60000);
  afterAll(async () => {
    await local.cleanup();
    await central.stop();
    await central.db.destroy();
    await dbInfo.drop();
    tmp.cleanup();
  });

  const exportBundle = (name: string, signed: boolean) =>
    writeEvidenceBundle(local.db, {
      consoleId: C,
      from: T0 - 1000,
      to: T0 + 3600000,
      cameraIds: [],
      actor: 'SUP201',
      now: Date.now(),
      dir: path.join(tmp.dir, name),
      summary: () => 'LOT DE PREUVES\n',
      ...(signed ? { signing: { publicKeyPem: key.publicKeyPem, sign: (seq: number, hash: string) => signHead(key.privateKeyPem, C, seq, hash) } } : {}),
    });

  test('sign, export, verify: the batch signatures the server holds are in the bundle and check out, in French and in --json', async () => {
    const kept = await batchSignaturesBetween(local.db, C, 1, 1e9);
    const onServer = await central.db('journal').where({ console_id: C }).whereNotNull('signature').orderBy('seq').select('seq', 'hash', 'signature');
    expect(kept.length).toBe(5); // 24 entries in batches of 5
    expect(kept).toEqual(onServer.map((r: { seq: number; hash: string; signature: string }) => ({ seq: Number(r.seq), hash: r.hash, signature: r.signature })));

    const r = await exportBundle('signed', true);
    signedBundle = r.file;
    const files = await unzip(r.file);
    const sig = JSON.parse(files.get('signatures.json')!.toString()) as SignaturesFile;
    expect(sig).toMatchObject({ format: 'csu-signatures', consoleId: C, publicKey: key.publicKeyPem, batches: kept, export: { seq: 24 } });
    expect(JSON.parse(files.get('manifest.json')!.toString()).files.map((f: { name: string }) => f.name)).toContain('signatures.json');

    const v = await verifyBundle(r.file);
    expect(v).toMatchObject({ ok: true, problems: [], signatures: { state: 'signed', keyChecked: false, batches: 5, validBatches: 5, signedUpTo: 24, exportSeq: 24 } });
    const withKey = await verifyBundle(r.file, { expectedKey: key.publicKeyPem });
    expect(withKey.signatures).toMatchObject({ state: 'signed', keyChecked: true });

    const cli = await runVerifier([r.file, '--key', keyFile]);
    expect(cli.code).toBe(0);
    expect(cli.out).toContain('Signatures du poste valides : l\'extrait est signé à l\'export jusqu\'à l\'entrée n° 24 ; 5 signatures de lots sur 5 valides');
    expect(cli.out).toContain('vérifiée avec');
    const json = await runVerifier([r.file, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, signatures: { state: 'signed', validBatches: 5 } });
  });

  test('one bit of one batch signature flipped: the verifier names that signature, even with the manifest made to match', async () => {
    const files = await unzip(signedBundle);
    const sig = JSON.parse(files.get('signatures.json')!.toString()) as SignaturesFile;
    const target = sig.batches[2]!;
    sig.batches[2] = { ...target, signature: flipped(target.signature) };
    const data = Buffer.from(`${JSON.stringify(sig, null, 2)}\n`);
    files.set('signatures.json', data);
    const naive = await zipOf(files, path.join(tmp.dir, 'flipped.zip'));
    expect((await verifyBundle(naive)).problems).toEqual([
      { code: 'file_altered', file: 'signatures.json' },
      { code: 'signature_bad', file: 'signatures.json', seq: target.seq },
    ]);
    // A forger who also fixes the manifest's SHA-256: the signature alone still gives it away.
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    manifest.files = manifest.files.map((f: { name: string }) => (f.name === 'signatures.json' ? { ...f, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length } : f));
    files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
    const careful = await zipOf(files, path.join(tmp.dir, 'flipped-manifest.zip'));
    const v = await verifyBundle(careful);
    expect(v.problems).toEqual([{ code: 'signature_bad', file: 'signatures.json', seq: target.seq }]);
    expect(v.signatures).toMatchObject({ state: 'bad', validBatches: 4 });
    const cli = await runVerifier([careful]);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`Signature invalide : la signature du poste sur l'entrée n° ${target.seq} ne correspond pas à l'extrait du registre.`);
    const json = JSON.parse((await runVerifier([careful, '--json'])).out);
    expect(json.problems).toEqual([{ code: 'signature_bad', file: 'signatures.json', seq: target.seq }]);

    // The export signature flipped, and a bundle signed by another key than the console's.
    const sig2 = JSON.parse((await unzip(signedBundle)).get('signatures.json')!.toString()) as SignaturesFile;
    const files2 = await unzip(signedBundle);
    files2.set('signatures.json', Buffer.from(JSON.stringify({ ...sig2, export: { ...sig2.export!, signature: flipped(sig2.export!.signature) } })));
    expect((await verifyBundle(await zipOf(files2, path.join(tmp.dir, 'export.zip')))).problems).toEqual([
      { code: 'file_altered', file: 'signatures.json' },
      { code: 'signature_export_bad', file: 'signatures.json', seq: 24 },
    ]);
    const other = newSigningKey();
    const wrongKey = await verifyBundle(signedBundle, { expectedKey: other.publicKeyPem });
    expect(wrongKey.problems.map((p) => p.code)).toEqual(['signature_key_mismatch', ...sig2.batches.map(() => 'signature_bad'), 'signature_export_bad']);
  });

  test('an unsigned console: the bundle says « non signé », and that is not an error', async () => {
    const r = await exportBundle('unsigned', false);
    expect([...(await unzip(r.file)).keys()]).not.toContain('signatures.json');
    const v = await verifyBundle(r.file);
    expect(v).toMatchObject({ ok: true, problems: [], signatures: { state: 'unsigned' } });
    const cli = await runVerifier([r.file]);
    expect(cli.code).toBe(0);
    expect(cli.out).toContain('Signatures : non signé');
  });
});
