import net from 'node:net';
import path from 'node:path';
import { RelayHub, CLOSE_CODES, RELAY_PORTS, type StreamStatus } from '../../main/relay/hub';
import { PageScope } from '../../main/transport/page-scope';
import { countDecodedFrames, FFMPEG } from '../helpers/decode';
import { startRtspSim, type RtspSim } from '../helpers/rtsp-sim';
import { repoRoot, tmpDir } from '../helpers/tmp';
import { connectStream, tryConnect, waitFor } from '../helpers/ws-client';

const ORIGIN = 'http://127.0.0.1:5999';
const FONT = path.join(repoRoot, 'assets/fonts/DejaVuSans-Bold.ttf');

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('stream relay (real ffmpeg, real RTSP server)', () => {
  // The camera simulator is a fixture all tests read from; each test has its own hub, logs and
  // statuses, so none depends on what another left behind or on the order they run in.
  let sim: RtspSim;
  let logs: string[];
  let hub: RelayHub;
  let statuses: StreamStatus[];
  let tmp: ReturnType<typeof tmpDir>;

  beforeAll(async () => {
    // cam4 is the silence test's alone: silencing a camera others read would couple the tests.
    sim = await startRtspSim({ cams: 4 });
  }, 30000);

  // Folders are removed at the end: an ffmpeg's exit, reported after its hub closed, still
  // updates that hub's pid file.
  const folders: ReturnType<typeof tmpDir>[] = [];
  afterAll(async () => {
    await sim.stop();
    for (const f of folders) f.cleanup();
  });

  beforeEach(async () => {
    logs = [];
    statuses = [];
    tmp = tmpDir('csu-relay-test-');
    folders.push(tmp);
    const push = (m: string, ...a: unknown[]) => logs.push([m, ...a].join(' '));
    hub = new RelayHub({ ffmpegPath: FFMPEG, log: { info: push, warn: push, error: push }, allowedOrigins: () => [ORIGIN], stateDir: tmp.dir, fontFile: FONT, sim: { width: 320, height: 180, fps: 15 }, pipe: { stallTimeoutMs: 2000, backoffInitialMs: 200, backoffMaxMs: 1000 }, highWaterBytes: 256 * 1024, slowClientCloseMs: 3000 });
    hub.on('status', (s: StreamStatus) => statuses.push(s));
    await hub.start();
  });

  afterEach(async () => {
    await hub.close();
  });

  test('bytes flow from an RTSP camera to a WebSocket client and decode', async () => {
    const { url } = hub.open('g-flow', { id: 'cam1', label: 'Cam 1', sourceUrl: sim.url('cam1') });
    const client = await connectStream(url, ORIGIN);
    // About two seconds of a 15 fps camera, whatever the time it takes to come.
    await waitFor(() => client.bytes() > 60_000 && client.chunks.length >= 20, 15000, 'stream bytes');
    const frames = await countDecodedFrames(client.all());
    expect(frames).toBeGreaterThan(15);
    expect(statuses.some((s) => s.grantId === 'g-flow' && s.state === 'live')).toBe(true);
    // Read pacing (read-pacer.ts) is on: frames go out several to a message, not one message per
    // frame as ffmpeg writes them (how late that makes a frame is the relay bench's to measure).
    expect(client.chunks.length).toBeLessThan(frames);
    await hub.closeGrant('g-flow', 'expired');
  }, 30000);

  test('a client joining a live pipe gets a keyframe in its first message (GOP cache)', async () => {
    const { url } = hub.open('g-gop-a', { id: 'cam2', label: 'Cam 2', sourceUrl: sim.url('cam2') });
    const first = await connectStream(url, ORIGIN);
    await waitFor(() => hub.statusOf('cam2')?.state === 'live', 15000, 'cam2 live');
    // Mid-GOP: a few messages after the keyframe that made the pipe live.
    const seen = first.chunks.length;
    await waitFor(() => first.chunks.length >= seen + 3, 15000, 'cam2 past its keyframe');
    const { url: url2 } = hub.open('g-gop-b', { id: 'cam2', label: 'Cam 2', sourceUrl: sim.url('cam2') });
    const joiner = await connectStream(url2, ORIGIN);
    await waitFor(() => joiner.chunks.length > 0, 5000, 'first message');
    expect(await countDecodedFrames(joiner.chunks[0]!)).toBeGreaterThanOrEqual(1);
    first.ws.close();
    joiner.ws.close();
    await hub.closeGrant('g-gop-a', 'expired');
    await hub.closeGrant('g-gop-b', 'expired');
  }, 30000);

  test('closeGrant closes with the reason code, kills an unused ffmpeg, spares another grant', async () => {
    const cam = { id: 'cam3', label: 'Cam 3', sourceUrl: sim.url('cam3') };
    const a = hub.open('g-close-a', cam);
    const b = hub.open('g-close-b', cam);
    const ca = await connectStream(a.url, ORIGIN);
    const cb = await connectStream(b.url, ORIGIN);
    try {
    await waitFor(() => ca.bytes() > 20_000 && cb.bytes() > 20_000, 15000, 'both clients streaming');
    const pid = hub.snapshot().pipes.find((p) => p.cameraId === 'cam3')!.pid;
    expect(alive(pid)).toBe(true);

    await hub.closeGrant('g-close-a', 'stopped_by_operator');
    const closedA = await ca.closed;
    expect(closedA.code).toBe(CLOSE_CODES.stopped_by_operator);
    // The other grant still uses cam3: same ffmpeg, still streaming.
    expect(alive(pid)).toBe(true);
    const before = cb.bytes();
    await waitFor(() => cb.bytes() > before + 10_000, 5000, 'grant b keeps streaming');

    await hub.closeGrant('g-close-b', 'expired');
    const closedB = await cb.closed;
    expect(closedB.code).toBe(CLOSE_CODES.expired);
    expect(alive(pid)).toBe(false);
    expect(hub.snapshot().pipes.find((p) => p.cameraId === 'cam3')).toBeUndefined();
    } finally {
      await hub.closeGrant('g-close-a', 'expired');
      await hub.closeGrant('g-close-b', 'expired');
    }
  }, 30000);

  test('a camera that goes silent and returns: reconnecting, then live, frames again', async () => {
    const { url } = hub.open('g-silent', { id: 'cam4', label: 'Cam 4', sourceUrl: sim.url('cam4') });
    const client = await connectStream(url, ORIGIN);
    await waitFor(() => hub.statusOf('cam4')?.state === 'live' && client.bytes() > 20_000, 15000, 'live');
    const mark = statuses.length;
    await sim.silence('cam4');
    await waitFor(() => statuses.slice(mark).some((s) => s.cameraId === 'cam4' && s.state === 'reconnecting'), 10000, 'reconnecting');
    // The silent ffmpeg is replaced: the client that played it is told to start a fresh player,
    // and reconnects on the same token as a tile does.
    expect((await client.closed).code).toBe(CLOSE_CODES.source_restarted);
    const again = await connectStream(url, ORIGIN);
    await sim.resume('cam4');
    await waitFor(() => statuses.slice(mark).some((s, i, arr) => s.cameraId === 'cam4' && s.state === 'live' && arr.slice(0, i).some((x) => x.state === 'reconnecting')), 20000, 'live again');
    await waitFor(() => again.chunks.length > 10, 5000, 'frames again');
    // It starts on the new stream's tables and keyframe, so what it got decodes.
    expect(await countDecodedFrames(again.all())).toBeGreaterThan(3);
    again.ws.close();
    await hub.closeGrant('g-silent', 'expired');
  }, 60000);

  test('ffmpeg killed mid-stream: the client is closed with 4006 (source restarted); the same token then gets the new run from its keyframe', async () => {
    const { url } = hub.open('g-restart', { id: 'cam2', label: 'Cam 2', sourceUrl: sim.url('cam2') });
    const client = await connectStream(url, ORIGIN);
    try {
      await waitFor(() => hub.statusOf('cam2')?.state === 'live' && client.bytes() > 20_000, 15000, 'live');
      const mark = statuses.length;
      const pid = hub.killSource('cam2');
      expect(pid).toBeDefined();
      const closed = await client.closed;
      expect(closed.code).toBe(CLOSE_CODES.source_restarted);
      // While main waits to retry, the tile is told when (never a final-looking error).
      await waitFor(() => statuses.slice(mark).some((s) => s.cameraId === 'cam2' && s.state === 'reconnecting'), 5000, 'reconnecting');
      const retrying = statuses.slice(mark).find((s) => s.cameraId === 'cam2' && s.retryInMs !== undefined);
      expect(retrying?.state).toBe('reconnecting');
      expect(retrying!.retryInMs!).toBeLessThanOrEqual(1000);
      expect(statuses.slice(mark).some((s) => s.cameraId === 'cam2' && s.state === 'error')).toBe(false);
      const again = await connectStream(url, ORIGIN);
      await waitFor(() => again.bytes() > 20_000, 15000, 'bytes of the new run');
      expect(hub.snapshot().pipes.find((p) => p.cameraId === 'cam2')!.pid).not.toBe(pid);
      // It starts on the new run's tables and keyframe: everything it got decodes.
      expect(await countDecodedFrames(again.all())).toBeGreaterThan(3);
      expect(hub.streamState('g-restart', 'cam2')?.state).toBe('live');
      again.ws.close();
    } finally {
      await hub.closeGrant('g-restart', 'expired');
    }
    expect(hub.streamState('g-restart', 'cam2')).toBeUndefined();
  }, 45000);

  test('a camera with a sub stream: the sub runs for the grid, the main only while a client watches it', async () => {
    const main = hub.open('g-sub', { id: 'cam3', label: 'Cam 3', sourceUrl: sim.url('cam3'), lazy: true });
    const sub = hub.open('g-sub', { id: 'cam3', label: 'Cam 3', sourceUrl: sim.url('cam2'), variant: 'sub' });
    try {
      const grid = await connectStream(sub.url, ORIGIN);
      await waitFor(() => grid.bytes() > 20_000, 15000, 'sub stream');
      const pipe = (k: string) => hub.snapshot().pipes.find((p) => p.cameraId === k);
      expect(pipe('cam3')?.pid).toBeUndefined();
      expect(pipe('cam3#sub')?.pid).toBeDefined();
      const enlarged = await connectStream(main.url, ORIGIN);
      await waitFor(() => enlarged.bytes() > 20_000, 15000, 'main stream');
      const mainPid = pipe('cam3')!.pid;
      expect(alive(mainPid)).toBe(true);
      expect(await countDecodedFrames(enlarged.all())).toBeGreaterThan(3);
      enlarged.ws.close();
      await waitFor(() => !alive(mainPid), 15000, 'main stream stopped once nobody watches it');
      expect(pipe('cam3')?.pid).toBeUndefined();
      const before = grid.bytes();
      await waitFor(() => grid.bytes() > before + 10_000, 5000, 'the grid goes on');
      grid.ws.close();
    } finally {
      await hub.closeGrant('g-sub', 'expired');
    }
  }, 45000);

  test("a page's tokens die with the page: its links open nothing, the camera runs on for the next page, the grant's end still stops it", async () => {
    const cam = { id: 'cam1', label: 'Cam 1', sourceUrl: sim.url('cam1') };
    try {
      // Page 1 watches; it is reloaded (ends) before page 2 asks for its tokens, as an F5 does.
      const page1 = new PageScope();
      const first = hub.open('g-page', cam, page1);
      const tile = await connectStream(first.url, ORIGIN);
      await waitFor(() => tile.bytes() > 20_000, 15000, 'page 1 plays');
      const pid = hub.snapshot().pipes.find((p) => p.cameraId === 'cam1')!.pid;
      page1.end();
      await waitFor(() => tile.ws.readyState === tile.ws.CLOSED, 5000, "page 1's socket closed");
      expect(await tryConnect(first.url, { Origin: ORIGIN })).toEqual({ status: 404, opened: false });
      expect(hub.snapshot().tokens).toBe(0);
      // Page 2 gets the same ffmpeg (warm: no cold start on a reload), and so do pages 3, 4, 5;
      // revoked tokens do not pile up with the reloads.
      for (let i = 0; i < 3; i++) {
        const page = new PageScope();
        const next = hub.open('g-page', cam, page);
        const again = await connectStream(next.url, ORIGIN);
        await waitFor(() => again.bytes() > 20_000, 15000, `page ${i + 2} plays`);
        expect(hub.snapshot().pipes.find((p) => p.cameraId === 'cam1')!.pid).toBe(pid);
        expect(hub.snapshot()).toMatchObject({ tokens: 1, revokedTokens: 1 });
        page.end();
        await waitFor(() => again.ws.readyState === again.ws.CLOSED, 5000, `page ${i + 2}'s socket closed`);
      }
      expect(hub.snapshot().tokens).toBe(0);
      expect(alive(pid)).toBe(true);
      // Nobody watches, every token is revoked: the grant's end must still find and stop its ffmpeg.
      await hub.closeGrant('g-page', 'expired');
      await waitFor(() => !alive(pid), 10000, 'ffmpeg stopped at the end of the grant');
      expect(hub.snapshot().pipes.find((p) => p.cameraId === 'cam1')).toBeUndefined();
    } finally {
      await hub.closeGrant('g-page', 'expired');
    }
  }, 60000);

  test("a renewal carries its page's token over: same socket, the old grant's end no longer reaches it, the new grant's end closes it", async () => {
    const cam = { id: 'cam2', label: 'Cam 2', sourceUrl: sim.url('cam2') };
    const page = new PageScope();
    const other = new PageScope();
    try {
      const old = hub.open('g-old', cam, page);
      const elsewhere = hub.open('g-old', cam, other);
      const tile = await connectStream(old.url, ORIGIN);
      await waitFor(() => tile.bytes() > 20_000, 15000, 'the old grant plays');
      // Only the page that showed the old grant gets it, and only once.
      expect(hub.carryOver('g-old', 'g-new', cam, new PageScope())).toBeUndefined();
      const carried = hub.carryOver('g-old', 'g-new', cam, page);
      expect(carried).toEqual(old);
      expect(hub.carryOver('g-old', 'g-new', cam, page)).toBeUndefined();
      expect(hub.streamState('g-new', 'cam2')).toBeDefined();
      await hub.closeGrant('g-old', 'expired');
      // The other page's token of the old grant is closed and refused; the carried socket goes on.
      expect(await tryConnect(elsewhere.url, { Origin: ORIGIN })).toEqual({ status: 404, opened: false });
      const before = tile.bytes();
      await waitFor(() => tile.bytes() > before + 20_000, 10000, 'the renewal goes on on the same socket');
      expect(tile.ws.readyState).toBe(tile.ws.OPEN);
      await hub.closeGrant('g-new', 'expired');
      expect((await tile.closed).code).toBe(CLOSE_CODES.expired);
    } finally {
      await hub.closeGrant('g-old', 'expired');
      await hub.closeGrant('g-new', 'expired');
    }
  }, 60000);

  test('a stalled client (never reads) is skipped then closed; the relay does not buffer for it', async () => {
    // Incompressible noise at 8 Mbit/s fills the kernel's socket buffers in seconds.
    const noisy = await startRtspSim({ cams: 1, width: 640, height: 360, bitrate: 8000, snow: true });
    const cam = { id: 'noisy', label: 'Noisy', sourceUrl: noisy.url('cam1') };
    const { url } = hub.open('g-stall', cam);
    const reader = await connectStream(hub.open('g-stall', cam).url, ORIGIN);
    const u = new URL(url);
    const sock = net.connect(Number(u.port), '127.0.0.1');
    try {
    await new Promise((r) => sock.once('connect', r));
    sock.write(`GET ${u.pathname} HTTP/1.1\r\nHost: 127.0.0.1:${u.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: ${ORIGIN}\r\n\r\n`);
    sock.pause(); // never reads again
    sock.setNoDelay(true);
    await waitFor(() => hub.snapshot().clients >= 2, 20000, 'stalled client attached');
    // It must be dropped (closed as a slow client) while the reading client keeps going, and
    // meanwhile the relay never holds more than the high-water mark plus one piece for it.
    let maxBuffered = 0;
    const sampler = setInterval(() => (maxBuffered = Math.max(maxBuffered, hub.snapshot().maxBufferedBytes)), 50);
    try {
      await waitFor(() => hub.snapshot().clients === 1, 40000, 'stalled client dropped');
    } finally {
      clearInterval(sampler);
    }
    expect(maxBuffered).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThan(256 * 1024 + 512 * 1024);
    const before = reader.bytes();
    await waitFor(() => reader.bytes() > before + 10_000, 5000, 'reader keeps streaming');
    } finally {
      sock.destroy();
      reader.ws.close();
      await hub.closeGrant('g-stall', 'expired');
      await noisy.stop();
    }
  }, 60000);

  test('tokens are spread over the relay\'s listening ports; a foreign Host is refused on them as on one', async () => {
    const urls = [1, 2, 3, 4, 5, 6, 7, 8].map(() => new URL(hub.open('g-ports', { id: 'cam1', label: 'Cam 1', sourceUrl: sim.url('cam1') }).url));
    const ports = [...new Set(urls.map((u) => u.port))];
    expect(ports).toHaveLength(RELAY_PORTS);
    // A stream opens on whichever port its URL names.
    for (const u of urls.slice(0, RELAY_PORTS)) expect((await tryConnect(u.href, { Origin: ORIGIN })).opened).toBe(true);
    // Another port of ours in Host (a rebinding page guessing) is as foreign as any other.
    expect(await tryConnect(urls[0]!.href, { Origin: ORIGIN, Host: '127.0.0.1:1' })).toEqual({ status: 421, opened: false });
    await hub.closeGrant('g-ports', 'expired');
  }, 30000);

  test('refusals: no token, wrong token, closed grant token, foreign origin', async () => {
    const { url } = hub.open('g-ref', { id: 'cam1', label: 'Cam 1', sourceUrl: sim.url('cam1') });
    const base = `ws://127.0.0.1:${hub.listeningPort}/stream/`;
    expect(await tryConnect(base, { Origin: ORIGIN })).toEqual({ status: 404, opened: false });
    expect(await tryConnect(base + 'x'.repeat(43), { Origin: ORIGIN })).toEqual({ status: 404, opened: false });
    expect(await tryConnect(base + '../../etc/passwd', { Origin: ORIGIN })).toEqual({ status: 404, opened: false });
    expect(await tryConnect(url, { Origin: 'http://evil.example' })).toEqual({ status: 403, opened: false });
    expect(await tryConnect(url, {})).toEqual({ status: 403, opened: false });
    await hub.closeGrant('g-ref', 'expired');
    expect(await tryConnect(url, { Origin: ORIGIN })).toEqual({ status: 404, opened: false });
  }, 30000);

  test('an H.265 camera gets CODEC_UNSUPPORTED and its client no video byte', async () => {
    if (!sim.h265) throw new Error('the RTSP simulator has no x265enc: install gstreamer1.0-plugins-bad');
    const { url } = hub.open('g-hevc', { id: 'hevc', label: 'HEVC', sourceUrl: sim.url('h265') });
    const client = await connectStream(url, ORIGIN);
    await waitFor(() => statuses.some((s) => s.cameraId === 'hevc' && s.state === 'error' && s.code === 'CODEC_UNSUPPORTED'), 15000, 'codec error');
    expect(client.bytes()).toBe(0);
    await hub.closeGrant('g-hevc', 'fault');
  }, 30000);

  test('an unreachable camera and wrong credentials get their own codes; credentials never reach logs or events', async () => {
    const secure = await startRtspSim({ cams: 1, auth: 'admin:s3cr3t-pass' });
    try {
      hub.open('g-unreach', { id: 'down', label: 'Down', sourceUrl: 'rtsp://127.0.0.1:1/cam1' });
      hub.open('g-auth', { id: 'badpass', label: 'Bad pass', sourceUrl: `rtsp://admin:wrong-pass@127.0.0.1:${secure.port}/cam1` });
      const good = hub.open('g-auth-ok', { id: 'goodpass', label: 'Good pass', sourceUrl: secure.url('cam1') });
      const client = await connectStream(good.url, ORIGIN);
      await waitFor(() => statuses.some((s) => s.cameraId === 'down' && s.code === 'UNREACHABLE'), 15000, 'unreachable');
      await waitFor(() => statuses.some((s) => s.cameraId === 'badpass' && s.code === 'AUTH_FAILED'), 15000, 'auth failed');
      await waitFor(() => client.bytes() > 10_000, 15000, 'authenticated camera streams');
      const everything = logs.join('\n') + JSON.stringify(statuses);
      expect(everything).not.toMatch(/s3cr3t-pass|wrong-pass/);
    } finally {
      await hub.closeGrant('g-unreach', 'fault');
      await hub.closeGrant('g-auth', 'fault');
      await hub.closeGrant('g-auth-ok', 'expired');
      await secure.stop();
    }
  }, 45000);

  test('a demo sim: camera is a labelled pattern through the same pipe', async () => {
    const { url } = hub.open('g-sim', { id: 'sim1', label: 'Hall A', sourceUrl: "sim:Hall — 1 rue de l'Arcade" });
    const client = await connectStream(url, ORIGIN);
    await waitFor(() => client.bytes() > 30_000, 20000, 'sim bytes');
    expect(await countDecodedFrames(client.all())).toBeGreaterThan(3);
    await hub.closeGrant('g-sim', 'expired');
  }, 30000);
});

describe('no orphan ffmpeg', () => {
  test('closing the hub kills every ffmpeg; leftovers of a crashed run are killed at start, ours only', async () => {
    const { spawn } = await import('node:child_process');
    const t = tmpDir('csu-orphans-');
    const log = { info() {}, warn() {}, error() {} };
    const hub1 = new RelayHub({ ffmpegPath: FFMPEG, log, allowedOrigins: () => [ORIGIN], stateDir: t.dir, fontFile: FONT });
    await hub1.start();
    hub1.open('g1', { id: 's1', label: 'S1', sourceUrl: 'sim:S1' });
    hub1.open('g2', { id: 's2', label: 'S2', sourceUrl: 'sim:S2' });
    await waitFor(() => hub1.snapshot().pipes.every((p) => p.pid), 5000, 'pids');
    const pids = hub1.snapshot().pipes.map((p) => p.pid!);
    await hub1.close();
    for (const p of pids) expect(alive(p)).toBe(false);

    // A crashed run: an ffmpeg of ours still running, listed in the pid file, next to a foreign process.
    const hub2 = new RelayHub({ ffmpegPath: FFMPEG, log, allowedOrigins: () => [ORIGIN], stateDir: t.dir, fontFile: FONT });
    await hub2.start();
    hub2.open('g3', { id: 's3', label: 'S3', sourceUrl: 'sim:S3' });
    await waitFor(() => !!hub2.snapshot().pipes[0]?.pid, 5000, 'pid');
    const orphan = hub2.snapshot().pipes[0]!.pid!;
    const foreign = spawn('sleep', ['30']);
    const { readFileSync, writeFileSync } = await import('node:fs');
    const listed = JSON.parse(readFileSync(path.join(t.dir, 'relay-pids.json'), 'utf8')) as number[];
    writeFileSync(path.join(t.dir, 'relay-pids.json'), JSON.stringify([...listed, foreign.pid]));
    // Simulate the crash: forget hub2 without closing it.
    const hub3 = new RelayHub({ ffmpegPath: FFMPEG, log, allowedOrigins: () => [ORIGIN], stateDir: t.dir, fontFile: FONT });
    await hub3.start();
    await waitFor(() => !alive(orphan), 2000, 'orphan killed');
    expect(alive(foreign.pid)).toBe(true);
    foreign.kill();
    await hub3.close();
    await hub2.close();
    t.cleanup();
  }, 30000);
});
