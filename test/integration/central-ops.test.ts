import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type { Knex } from 'knex';
import { Mirror, type MirrorStatus } from '../../main/mirror/mirror';
import { keyFingerprint, newSigningKey } from '../../db/journal-signature';
import { keyFingerprint as verifierFingerprint } from '../../main/review/verify-signatures';
import { addSignedConsole, registerKey } from '../../server/enrolment';
import { issueToken } from '../../server/store';
import { freshCentralDb, PG_ADMIN_URL, startCentral, type Central } from '../helpers/central';
import { appendGrant, freshDb } from '../helpers/db';
import { repoRoot } from '../helpers/tmp';
import { waitFor } from '../helpers/ws-client';

/** Operating the server: `add-console` and `--rotate`, a token rotated under a running console, PostgreSQL late at start. */
const cli = path.join(repoRoot, 'dist', 'server', 'cli.js');
const clock = { now: () => Date.now() };
const silent = { info() {}, warn() {}, error() {} };
const T0 = Date.UTC(2026, 10, 20, 9);

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

async function fill(db: Knex, consoleId: string, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) await appendGrant(db, consoleId, T0 + i * 60000, { grantId: `${consoleId}-g${i}` });
}

describe.each(['sqlite', 'postgres'] as const)('operating the server on %s', (kind) => {
  let dbInfo: { url: string; drop: () => Promise<void> };
  let central: Central;

  beforeAll(async () => {
    dbInfo = await freshCentralDb(kind);
    central = await startCentral(dbInfo.url);
  }, 30000);
  afterAll(async () => {
    await central.stop();
    await central.db.destroy();
    await dbInfo.drop();
  });

  test('add-console refuses to re-key an existing console without --rotate; --rotate cuts the old token off', async () => {
    const env = { CSU_SERVER_DB: dbInfo.url };
    const first = await run(['add-console', 'poste-k'], env);
    expect(first).toMatchObject({ code: 0, err: '' });
    const [, token1] = /^token ([A-Za-z0-9_-]{43})\nenrolment-code [A-Za-z0-9_-]{16}\n$/.exec(first.out) ?? [];
    expect(token1).toBeDefined();
    const again = await run(['add-console', 'poste-k'], env);
    expect(again.code).toBe(1);
    expect(again.out).toBe('');
    expect(again.err).toContain('already registered; add --rotate');
    const ack = (t: string) => fetch(`${central.url}/v1/consoles/poste-k/ack`, { headers: { authorization: `Bearer ${t}` } }).then((r) => r.status);
    expect(await ack(token1!)).toBe(200);
    const rotated = await run(['add-console', 'poste-k', '--rotate'], env);
    expect(rotated.code).toBe(0);
    const token2 = /^token (\S+)$/m.exec(rotated.out)![1]!;
    expect(token2).not.toBe(token1);
    expect(await ack(token1!)).toBe(401);
    expect(await ack(token2)).toBe(200);
  }, 60000);

  test('allow-publish lets a console publish the shared catalogue, --revoke withdraws it; a rotation keeps it; an unknown id is refused', async () => {
    const env = { CSU_SERVER_DB: dbInfo.url };
    const token = await issueToken(central.db, 'consoles', 'poste-p', Date.now());
    const canPublish = async (t: string) => (await fetch(`${central.url}/v1/catalogue`, { headers: { authorization: `Bearer ${t}` } })).headers.get('x-csu-can-publish');
    expect(await canPublish(token)).toBe('0');
    expect(await run(['allow-publish', 'poste-p'], env)).toMatchObject({ code: 0, out: 'poste-p may publish the catalogue\n' });
    expect(await canPublish(token)).toBe('1');
    const rotated = await issueToken(central.db, 'consoles', 'poste-p', Date.now(), { rotate: true });
    expect(await canPublish(rotated)).toBe('1');
    expect(await run(['allow-publish', 'poste-p', '--revoke'], env)).toMatchObject({ code: 0, out: 'poste-p may no longer publish the catalogue\n' });
    expect(await canPublish(rotated)).toBe('0');
    const unknown = await run(['allow-publish', 'poste-inconnu'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no console poste-inconnu');
  }, 60000);

  test("consoles lists each console: token only or signing, its enrolled key's fingerprint (csu-verify prints its first 16 digits), who publishes", async () => {
    const env = { CSU_SERVER_DB: dbInfo.url };
    const { code } = await addSignedConsole(central.db, 'poste-f', Date.now());
    const listed = async () => (await run(['consoles'], env)).out.split('\n');
    const line = async (id: string) => (await listed()).find((l) => l.startsWith(`${id}  `));
    expect(await line('poste-f')).toMatch(/^poste-f {2}awaiting enrolment \(code valid until \d{4}-\d\d-\d\dT[\d:.]+Z\)$/);
    const key = newSigningKey();
    expect(await registerKey(central.db, 'poste-f', code, key.publicKeyPem, Date.now())).toBe('ok');
    const fp = keyFingerprint(key.publicKeyPem);
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(await line('poste-f')).toBe(`poste-f  key sha256:${fp}`);
    // The verifier's fingerprint of the same key is the same digits.
    expect(verifierFingerprint(key.publicKeyPem)).toBe(fp);
    await issueToken(central.db, 'consoles', 'poste-q', Date.now());
    expect(await line('poste-q')).toBe('poste-q  unsigned (token only)');
    await run(['allow-publish', 'poste-q'], env);
    expect(await line('poste-q')).toBe('poste-q  unsigned (token only)  publishes the catalogue');
    // Sorted by id, one line each.
    const ids = (await listed()).filter(Boolean).map((l) => l.split('  ')[0]!);
    expect(ids).toEqual([...ids].sort());
  }, 60000);

  test('a running console picks up a rotated token without a restart', async () => {
    const local = await freshDb();
    try {
      let stored = await issueToken(central.db, 'consoles', 'poste-t', Date.now());
      await fill(local.db, 'poste-t', 0, 5);
      const statuses: MirrorStatus[] = [];
      const m = new Mirror({ db: local.db, consoleId: 'poste-t', serverUrl: central.url, token: () => stored, clock, log: silent, onStatus: (s) => statuses.push(s), backoffMinMs: 20, backoffMaxMs: 300000, pollMs: 50, tokenCheckMs: 50 });
      m.start();
      await waitFor(() => m.current?.state === 'synchronised', 20000, 'synchronised');
      // The administrator rotates the token on the server: the console is refused…
      const fresh = await issueToken(central.db, 'consoles', 'poste-t', Date.now(), { rotate: true });
      await fill(local.db, 'poste-t', 5, 10);
      await waitFor(() => m.current?.state === 'refused', 20000, 'refused');
      // …until the new token is stored on the console; the same mirror, never restarted, goes on.
      stored = fresh;
      await waitFor(() => m.current?.state === 'synchronised', 20000, 'synchronised with the new token');
      await m.stop();
      expect(await central.db('journal').where({ console_id: 'poste-t' }).count({ n: '*' }).first()).toMatchObject({ n: kind === 'postgres' ? '20' : 20 });
    } finally {
      await local.cleanup();
    }
  }, 60000);
});

describe('PostgreSQL late at start', () => {
  let child: ChildProcess | undefined;
  let relay: net.Server | undefined;
  let dbInfo: { url: string; drop: () => Promise<void> } | undefined;
  afterAll(async () => {
    child?.kill('SIGTERM');
    await new Promise((r) => relay?.close(r) ?? r(undefined));
    await dbInfo?.drop();
  });

  test('the server waits with backoff, says so, and serves once PostgreSQL answers', async () => {
    dbInfo = await freshCentralDb('postgres');
    // A port where PostgreSQL will appear later: a relay to the real one, opened after a while.
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()));
    const port = (free.address() as net.AddressInfo).port;
    await new Promise((r) => free.close(r));
    const pg = new URL(PG_ADMIN_URL);
    const url = new URL(dbInfo.url);
    url.port = String(port);
    child = spawn(process.execPath, [cli, 'serve'], { env: { ...process.env, CSU_SERVER_DB: url.toString(), CSU_SERVER_LISTEN: '127.0.0.1:0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await waitFor(() => (err.match(/waiting for the database/g) ?? []).length >= 2, 20000, 'waiting twice');
    expect(err).toContain('ECONNREFUSED');
    expect(err).not.toContain('csu:csu');
    expect(child.exitCode).toBeNull();
    relay = net.createServer((s) => {
      const up = net.connect(Number(pg.port || 5432), pg.hostname);
      s.pipe(up).pipe(s);
      up.on('error', () => s.destroy());
      s.on('error', () => up.destroy());
    });
    await new Promise<void>((r) => relay!.listen(port, '127.0.0.1', () => r()));
    await waitFor(() => /listening at http:\/\/127\.0\.0\.1:\d+/.test(out), 40000, 'listening');
    const at = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    expect((await fetch(`${at}/healthz`)).status).toBe(200);
  }, 60000);
});
