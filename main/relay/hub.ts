import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { CameraPipe, type PipeStatus } from './camera-pipe';
import type { Piece } from './gop-cache';
import { probeRtspTimeoutOption } from './ffmpeg-args';
import { OnceSockets, type OnceProducer } from './once-sockets';
import { PidFile } from './pid-file';
import { claimWorkDir } from './work-dir';
import {
  CLOSE_CODES,
  forTile,
  LAZY_IDLE_MS,
  pipeKeyOf,
  RELAY_PORTS,
  TOKEN_RE,
  type Client,
  type CloseReason,
  type PageEnd,
  type PipeEntry,
  type RecordSink,
  type RelayCamera,
  type RelayOptions,
  type StreamStatus,
  type TokenEntry,
} from './relay-types';

export { CLOSE_CODES, LAZY_IDLE_MS, RELAY_PORTS, type CloseReason, type PageEnd, type RecordSink, type RelayCamera, type RelayOptions, type StreamStatus } from './relay-types';

/**
 * The stream relay: one loopback HTTP server, one WebSocket per tile at /stream/<token>, one
 * ffmpeg per watched camera. A token belongs to one grant and one camera; closing the grant
 * closes its sockets and stops every ffmpeg no other grant still uses.
 */
export class RelayHub extends EventEmitter {
  private servers: http.Server[] = [];
  private ports: number[] = [];
  private nextPort = 0;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false });
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly pipes = new Map<string, PipeEntry>();
  private readonly onceSockets = new OnceSockets();
  private readonly pidFile: PidFile;
  private readonly workDir: string;
  private labelCount = 0;

  constructor(private readonly o: RelayOptions) {
    super();
    if (o.stateDir) mkdirSync(o.stateDir, { recursive: true });
    this.pidFile = new PidFile(o.stateDir ? path.join(o.stateDir, 'relay-pids.json') : undefined);
    this.workDir = claimWorkDir(os.tmpdir(), (n, d) => o.log.warn('relay: removed %d work folder(s) left by crashed runs: %j', n, d));
    copyFileSync(o.fontFile, path.join(this.workDir, 'font.ttf'));
    writeFileSync(path.join(this.workDir, 'clock.txt'), '%{localtime:%d/%m/%Y %H\\:%M\\:%S}');
  }

  async start(): Promise<number> {
    // Asked now, in the background, so the first RTSP camera does not wait for it.
    void probeRtspTimeoutOption(this.o.ffmpegPath);
    const killed = this.pidFile.killLeftovers();
    if (killed.length) this.o.log.warn('relay: killed %d leftover ffmpeg process(es) of a previous run: %j', killed.length, killed);
    this.wss.on('error', (err) => this.o.log.warn('relay: websocket server error: %s', err.message));
    for (let i = 0; i < RELAY_PORTS; i++) {
      const server = http.createServer((_req, res) => {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('Not Found');
      });
      server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
      // A broken client ends its own socket, never the console.
      server.on('clientError', (err, socket) => {
        this.o.log.warn('relay: http client error: %s', err.message);
        socket.destroy();
      });
      this.servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      this.ports.push((server.address() as AddressInfo).port);
      server.on('error', (err) => this.o.log.error('relay: server error: %s', err.message));
    }
    return this.ports[0]!;
  }

  get listeningPort(): number {
    return this.ports[0] ?? 0;
  }

  /**
   * Issues a token for one camera of one grant and starts its pipe if needed. With a page, the
   * token is revoked when that page ends (a reload opens new ones; the old links open nothing).
   */
  open(grantId: string, camera: RelayCamera, page?: PageEnd): { token: string; url: string } {
    if (this.ports.length === 0) throw new Error('relay not started');
    const token = randomBytes(32).toString('base64url');
    const pipeKey = pipeKeyOf(camera);
    const port = this.ports[this.nextPort++ % this.ports.length]!;
    const url = `ws://127.0.0.1:${port}/stream/${token}`;
    this.tokens.set(token, { token, grantId, cameraId: camera.id, pipeKey, clients: new Set(), ...(page ? { page } : {}), url });
    let entry = this.pipes.get(pipeKey);
    if (!entry) {
      entry = { pipe: undefined, camera, tokens: new Set() };
      this.pipes.set(pipeKey, entry);
      if (!camera.lazy) this.startPipe(pipeKey, entry);
    }
    entry.tokens.add(token);
    page?.onEnd(() => this.revoke(token));
    return { token, url };
  }

  /**
   * A renewal shown on the page that showed its predecessor: that page's token for this camera
   * (and the socket on it) now belongs to the new grant, so the tile goes on without
   * reconnecting. From then on the new grant's end closes it; the old grant's end no longer
   * reaches it (closeGrant follows tokens). Undefined when the page holds no live token of the
   * old grant for this stream: the caller opens a new one.
   */
  carryOver(fromGrantId: string, toGrantId: string, camera: RelayCamera, page: PageEnd | undefined): { token: string; url: string } | undefined {
    if (!page) return undefined;
    const key = pipeKeyOf(camera);
    for (const te of this.tokens.values()) {
      if (te.grantId !== fromGrantId || te.pipeKey !== key || te.page !== page || te.revoked || te.sink || !te.url) continue;
      te.grantId = toGrantId;
      return { token: te.token, url: te.url };
    }
    return undefined;
  }

  statusOf(cameraId: string): PipeStatus | undefined {
    return this.pipes.get(cameraId)?.pipe?.current;
  }

  /** The current state of one grant's camera, as its tile asks for it (it may have missed the events). */
  streamState(grantId: string, cameraId: string): StreamStatus | undefined {
    const known = [...this.tokens.values()].some((t) => t.grantId === grantId && t.cameraId === cameraId);
    // The tile's state is the stream it plays by default: the sub stream where there is one.
    const pipe = this.pipes.get(`${cameraId}#sub`)?.pipe ?? this.pipes.get(cameraId)?.pipe;
    return known && pipe ? forTile(grantId, cameraId, pipe) : undefined;
  }

  private startPipe(key: string, entry: PipeEntry): void {
    clearTimeout(entry.idleTimer);
    if (entry.pipe) return;
    entry.pipe = this.createPipe(key, entry.camera);
    entry.pipe.start();
  }

  /** A lazy pipe nobody watches any more stops after a short grace. */
  private maybeIdle(key: string): void {
    const entry = this.pipes.get(key);
    if (!entry?.camera.lazy || !entry.pipe) return;
    const watched = () => [...entry.tokens].some((t) => (this.tokens.get(t)?.clients.size ?? 0) > 0 || !!this.tokens.get(t)?.sink);
    if (watched()) return;
    clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => {
      const still = watched();
      if (still || !entry.pipe) return;
      const pipe = entry.pipe;
      entry.pipe = undefined;
      void pipe.stop();
    }, LAZY_IDLE_MS);
    entry.idleTimer.unref();
  }

  private createPipe(key: string, camera: RelayCamera): CameraPipe {
    let sim: ConstructorParameters<typeof CameraPipe>[0]['sim'];
    if (camera.sourceUrl.startsWith('sim:')) {
      const labelFile = `label-${++this.labelCount}.txt`;
      writeFileSync(path.join(this.workDir, labelFile), camera.sourceUrl.slice(4) || camera.label);
      const s = this.o.sim ?? { width: 640, height: 360, fps: 15 };
      // A demo camera's sub stream: half the size, as an IP camera's.
      const size = camera.variant === 'sub' ? { width: Math.max(160, Math.round(s.width / 4) * 2), height: Math.max(90, Math.round(s.height / 4) * 2) } : {};
      sim = { workDir: this.workDir, labelFile, ...s, ...size };
    }
    const pipe = new CameraPipe({ cameraId: camera.id, source: camera.sourceUrl, ffmpegPath: this.o.ffmpegPath, log: this.o.log, pidFile: this.pidFile, sim, ...this.o.pipe });
    pipe.on('pieces', (pieces: Piece[]) => this.fanOut(key, pieces));
    pipe.on('restart', () => {
      for (const t of this.pipes.get(key)?.tokens ?? []) this.tokens.get(t)?.sink?.restart();
      // A player fed across two ffmpeg runs stalls on the timestamp jump (currentTime leaps by
      // hours while no frame shows): a client that got bytes of the old run is closed so its tile
      // opens a fresh player; one that got nothing yet simply waits for the new run's keyframe.
      for (const t of this.pipes.get(key)?.tokens ?? []) {
        const te = this.tokens.get(t);
        for (const c of te?.clients ?? []) {
          if (c.bytesSent > 0) {
            te!.clients.delete(c);
            this.closeClient(c, CLOSE_CODES.source_restarted, 'source restarted');
          } else {
            c.waiting = true;
          }
        }
      }
    });
    pipe.on('status', () => {
      const entry = this.pipes.get(key);
      // A lazy main stream is a detail of an enlarged tile: the tile's state follows its default stream.
      if (!entry || entry.pipe !== pipe || camera.lazy) return;
      for (const t of entry.tokens) {
        const te = this.tokens.get(t);
        if (te) this.emit('status', forTile(te.grantId, camera.id, pipe));
      }
    });
    return pipe;
  }

  private onUpgrade(req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    socket.on('error', (err) => this.o.log.warn('relay: upgrade socket error: %s', err.message));
    // DNS rebinding: only our loopback host, whatever the token.
    if (!this.ports.some((p) => req.headers.host === `127.0.0.1:${p}`)) return refuse(421, 'Misdirected Request');
    const m = /^\/(stream|recording)\/([^/?#]+)$/.exec(req.url ?? '');
    const token = m?.[2];
    if (!token || !TOKEN_RE.test(token)) return refuse(404, 'Not Found');
    if (m![1] === 'recording') {
      const origin = req.headers.origin;
      if (!this.onceSockets.has(token)) return refuse(404, 'Not Found');
      if (!origin || !this.o.allowedOrigins().includes(origin)) return refuse(403, 'Forbidden');
      const run = this.onceSockets.take(token)!;
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onceSockets.serve(ws, run, (err) => this.o.log.warn('relay: playback: %s', err.message)));
      return;
    }
    const entry = this.tokens.get(token);
    if (!entry || entry.sink || entry.revoked) return refuse(404, 'Not Found');
    const origin = req.headers.origin;
    if (!origin || !this.o.allowedOrigins().includes(origin)) return refuse(403, 'Forbidden');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(entry, ws));
  }

  private attach(entry: TokenEntry, ws: WebSocket): void {
    // The token may have been closed while the handshake ran.
    if (!this.tokens.has(entry.token) || entry.revoked) return ws.close(CLOSE_CODES.fault, 'closed');
    // One socket per token at a time: a copied link never feeds a second viewer. The newest wins
    // (a tile replacing a frozen player opens its fresh one beside it), the older is closed.
    for (const old of entry.clients) {
      entry.clients.delete(old);
      this.closeClient(old, CLOSE_CODES.replaced, 'replaced');
    }
    const client: Client = { ws, waiting: true, backedUpSince: 0, bytesSent: 0 };
    entry.clients.add(client);
    const gone = () => {
      entry.clients.delete(client);
      this.maybeIdle(entry.pipeKey);
    };
    ws.on('close', gone);
    ws.on('error', gone);
    ws.on('message', () => undefined); // tiles only listen
    const pipeEntry = this.pipes.get(entry.pipeKey);
    if (pipeEntry && !pipeEntry.pipe) this.startPipe(entry.pipeKey, pipeEntry);
    else if (pipeEntry) clearTimeout(pipeEntry.idleTimer);
    const join = pipeEntry?.pipe?.cache.joinData();
    if (join) {
      ws.send(join);
      client.waiting = false;
      client.bytesSent += join.length;
    }
  }

  private fanOut(key: string, pieces: Piece[]): void {
    const entry = this.pipes.get(key);
    if (!entry?.pipe) return;
    const high = this.o.highWaterBytes ?? 1024 * 1024;
    const closeAfter = this.o.slowClientCloseMs ?? 10000;
    const now = Date.now();
    let whole: Buffer | undefined;
    for (const t of entry.tokens) {
      const te = this.tokens.get(t);
      if (!te) continue;
      te.sink?.write(pieces, entry.pipe.cache.tables());
      for (const c of te.clients) {
        if (c.ws.readyState !== c.ws.OPEN) continue;
        if (c.ws.bufferedAmount > high) {
          // Never buffer without bound: skip to the next keyframe, close if it lasts.
          c.waiting = true;
          if (!c.backedUpSince) c.backedUpSince = now;
          if (now - c.backedUpSince > closeAfter) {
            te.clients.delete(c);
            this.closeClient(c, CLOSE_CODES.slow_client, 'slow client');
          }
          continue;
        }
        c.backedUpSince = 0;
        let data: Buffer;
        if (c.waiting) {
          // A client that was skipping starts again on a keyframe, with the tables before it.
          const k = pieces.findIndex((p) => p.keyframe);
          if (k < 0) continue;
          data = Buffer.concat([...entry.pipe.cache.tables(), ...pieces.slice(k).map((p) => p.data)]);
          c.waiting = false;
        } else {
          // One message per hand-on: each send is a trip through ws, the socket and the tile's demuxer.
          whole ??= pieces.length === 1 ? pieces[0]!.data : Buffer.concat(pieces.map((p) => p.data));
          data = whole;
        }
        c.ws.send(data, { binary: true });
        c.bytesSent += data.length;
      }
    }
  }

  private closeClient(c: Client, code: number, reason: string): void {
    c.ws.close(code, reason);
    // A client that does not read would hold the closing handshake: cut it.
    setTimeout(() => {
      if (c.ws.readyState !== c.ws.CLOSED) c.ws.terminate();
    }, 250).unref();
  }

  /**
   * Records one camera of a grant: its pipe (the main stream) runs from now until the grant
   * closes or stopRecording, whether or not a tile watches, so the recording never depends on the screen.
   */
  record(grantId: string, camera: RelayCamera, sink: RecordSink): void {
    if (this.ports.length === 0) throw new Error('relay not started');
    const token = randomBytes(32).toString('base64url');
    const pipeKey = pipeKeyOf(camera);
    this.tokens.set(token, { token, grantId, cameraId: camera.id, pipeKey, clients: new Set(), sink });
    let entry = this.pipes.get(pipeKey);
    if (!entry) {
      entry = { pipe: undefined, camera, tokens: new Set() };
      this.pipes.set(pipeKey, entry);
    }
    entry.tokens.add(token);
    this.startPipe(pipeKey, entry);
  }

  /** A one-time socket (recording playback): the URL's token is spent by its first connection, lapses unused after ttlMs. */
  offerOnce(run: OnceProducer, ttlMs = 60000): string {
    if (this.ports.length === 0) throw new Error('relay not started');
    return `ws://127.0.0.1:${this.ports[0]}/recording/${this.onceSockets.offer(run, ttlMs)}`;
  }

  /** Stops a grant's recordings only (disk full, quota): its tiles keep playing. */
  async stopRecording(grantId: string): Promise<void> {
    const sinks: RecordSink[] = [];
    const keys = new Set<string>();
    for (const [token, te] of this.tokens) {
      if (te.grantId !== grantId || !te.sink) continue;
      this.tokens.delete(token);
      this.pipes.get(te.pipeKey)?.tokens.delete(token);
      sinks.push(te.sink);
      keys.add(te.pipeKey);
    }
    await Promise.all(sinks.map((s) => s.close()));
    for (const key of keys) {
      const entry = this.pipes.get(key);
      if (entry && entry.tokens.size === 0) {
        this.pipes.delete(key);
        clearTimeout(entry.idleTimer);
        await entry.pipe?.stop();
      } else {
        this.maybeIdle(key);
      }
    }
  }

  /**
   * A page's token: its socket (if the page left one) is closed and it opens nothing any more.
   * Its pipe runs on as before (a reloading page asks for new tokens at once and should find the
   * camera's GOP cache warm); the grant's end stops it. The entry is kept, revoked, while it is
   * the only one linking its grant to its pipe (closeGrant finds pipes through tokens), and
   * dropped when another token of the same grant does: at most one revoked token per grant
   * and pipe, however many reloads.
   */
  private revoke(token: string): void {
    const te = this.tokens.get(token);
    if (!te || te.sink || te.revoked) return;
    for (const c of te.clients) this.closeClient(c, CLOSE_CODES.page_ended, 'page ended');
    te.clients.clear();
    const entry = this.pipes.get(te.pipeKey);
    const sibling = [...(entry?.tokens ?? [])].some((t) => t !== token && this.tokens.get(t)?.grantId === te.grantId);
    if (sibling) {
      this.tokens.delete(token);
      entry!.tokens.delete(token);
    } else {
      te.revoked = true;
    }
    this.maybeIdle(te.pipeKey);
  }

  /** Ends a grant's streams: sockets closed with the reason's code, recordings sealed, unused ffmpegs stopped. */
  async closeGrant(grantId: string, reason: CloseReason): Promise<void> {
    const cameras = new Set<string>();
    const sinks: RecordSink[] = [];
    for (const [token, te] of this.tokens) {
      if (te.grantId !== grantId) continue;
      this.tokens.delete(token);
      if (te.sink) sinks.push(te.sink);
      for (const c of te.clients) this.closeClient(c, CLOSE_CODES[reason], reason);
      te.clients.clear();
      this.pipes.get(te.pipeKey)?.tokens.delete(token);
      cameras.add(te.pipeKey);
    }
    // The bytes stop for the recording as for the tiles: no piece reaches a closed sink.
    const stops: Promise<void>[] = sinks.map((s) => s.close());
    for (const key of cameras) {
      const entry = this.pipes.get(key);
      if (entry && entry.tokens.size === 0) {
        this.pipes.delete(key);
        clearTimeout(entry.idleTimer);
        if (entry.pipe) stops.push(entry.pipe.stop());
      }
    }
    await Promise.all(stops);
  }

  /** Closes every stream socket with a code, as the relay would (test hooks: a 4005 slow-client close). */
  closeClients(code: number, reason: string): number {
    let n = 0;
    for (const te of this.tokens.values()) {
      for (const c of te.clients) {
        this.closeClient(c, code, reason);
        n++;
      }
      te.clients.clear();
    }
    return n;
  }

  /** Kills a camera's running ffmpeg as a crash would (test hooks); the pipe restarts it. */
  killSource(cameraId: string): number | undefined {
    const pid = this.pipes.get(cameraId)?.pipe?.pid ?? this.pipes.get(`${cameraId}#sub`)?.pipe?.pid;
    if (pid) process.kill(pid, 'SIGKILL');
    return pid;
  }

  /** Open grants and ffmpeg processes, for tests and diagnostics. */
  snapshot(): { tokens: number; revokedTokens: number; clients: number; maxBufferedBytes: number; pipes: { cameraId: string; pid: number | undefined; state: string }[] } {
    let clients = 0;
    let maxBufferedBytes = 0;
    let tokens = 0;
    for (const te of this.tokens.values()) {
      if (!te.revoked) tokens++;
      clients += te.clients.size;
      for (const c of te.clients) maxBufferedBytes = Math.max(maxBufferedBytes, c.ws.bufferedAmount);
    }
    return { tokens, revokedTokens: this.tokens.size - tokens, clients, maxBufferedBytes, pipes: [...this.pipes.entries()].map(([cameraId, e]) => ({ cameraId, pid: e.pipe?.pid, state: e.pipe?.current.state ?? 'idle' })) };
  }

  async close(reason: CloseReason = 'application_stopped'): Promise<void> {
    const grants = new Set([...this.tokens.values()].map((t) => t.grantId));
    for (const g of grants) await this.closeGrant(g, reason);
    for (const e of this.pipes.values()) clearTimeout(e.idleTimer);
    this.onceSockets.clear();
    await Promise.all([...this.pipes.values()].map((e) => e.pipe?.stop()));
    this.pipes.clear();
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    await Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    this.servers = [];
    this.ports = [];
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
