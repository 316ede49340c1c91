import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Logger } from '../log';
import { GopCache, type Piece } from './gop-cache';
import { probeRtspTimeoutOption, rtspArgs, simArgs, type RtspTimeoutOption, type SimOptions } from './ffmpeg-args';
import type { PidFile } from './pid-file';
import { ReadPacer } from './read-pacer';
import { redact } from './redact';
import { STREAM_TYPE_H264, TsAligner } from './ts';

export type PipeState = 'connecting' | 'live' | 'reconnecting' | 'error' | 'stopped';
export type PipeErrorCode = 'UNREACHABLE' | 'AUTH_FAILED' | 'CODEC_UNSUPPORTED' | 'NO_DATA' | 'STREAM_ENDED' | 'FFMPEG_FAILED';

export interface PipeStatus {
  state: PipeState;
  code?: PipeErrorCode;
  /** While waiting to retry: when the next attempt starts (this process's Date.now()). */
  retryAt?: number;
}

export interface CameraPipeOptions {
  cameraId: string;
  /** rtsp(s)://… (may hold credentials) or sim:<label>. */
  source: string;
  ffmpegPath: string;
  log: Logger;
  pidFile?: PidFile;
  /** For sim: sources. */
  sim?: { workDir: string; width: number; height: number; fps: number; labelFile: string };
  /** No byte for this long while running: the camera is considered silent and the pull restarts. */
  stallTimeoutMs?: number;
  socketTimeoutMs?: number;
  /** Before the first byte ffmpeg probes the stream (up to a GOP): a longer grace than stallTimeoutMs. */
  connectTimeoutMs?: number;
  backoffInitialMs?: number;
  /** A pipe runs only while a tile watches: a camera that comes back must be picked up within this. */
  backoffMaxMs?: number;
  gopCacheBytes?: number;
  /** At most one hand-on of bytes per this many ms (see read-pacer.ts); 0 hands on every read. */
  readPaceMs?: number;
}

/** The longest wait between two attempts: a camera back from an outage is live again within it. */
export const DEFAULT_BACKOFF_MAX_MS = 2000;

/** Two or three frames at 25 fps: a tenth of a second, which an operator does not see. */
export const DEFAULT_READ_PACE_MS = 100;

/** One counter for every pipe of the process: a state replaced by a later one always has a higher seq. */
let statusCounter = 0;

/** Reads ffmpeg's last words and says what went wrong, in a code the renderer maps to French. */
export function classifyFfmpegError(stderr: string): PipeErrorCode {
  if (/401|Unauthorized|authoriz/i.test(stderr)) return 'AUTH_FAILED';
  if (/Connection refused|No route to host|timed out|Network is unreachable|Name or service not known|Could not resolve|Connection timed out|Immediate exit requested/i.test(stderr)) return 'UNREACHABLE';
  if (/404|Not Found|End of file|Invalid data/i.test(stderr)) return 'STREAM_ENDED';
  return 'FFMPEG_FAILED';
}

/**
 * One ffmpeg per watched camera, restarted with exponential backoff while someone watches.
 * Emits 'pieces' (aligned TS cut at keyframes) and 'status'.
 */
export class CameraPipe extends EventEmitter {
  readonly cache: GopCache;
  private child: ChildProcess | undefined;
  private status: PipeStatus = { state: 'connecting' };
  private statusSeq = 0;
  private stopped = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private lastDataAt = 0;
  private gotData = false;
  private stderrTail = '';
  private killedFor: PipeErrorCode | undefined;
  private pacer: ReadPacer | undefined;
  private timeoutOption: RtspTimeoutOption | undefined;

  constructor(private readonly o: CameraPipeOptions) {
    super();
    this.cache = new GopCache(o.gopCacheBytes);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get current(): PipeStatus {
    return this.status;
  }

  /** Grows with each status change (a tile orders a queried state against the events it got). */
  get seq(): number {
    return this.statusSeq;
  }

  start(): void {
    this.spawnOnce();
  }

  private setStatus(s: PipeStatus): void {
    if (s.state === this.status.state && s.code === this.status.code && s.retryAt === this.status.retryAt) return;
    this.status = s;
    this.statusSeq = ++statusCounter;
    this.emit('status', s);
  }

  private args(): string[] {
    if (this.o.source.startsWith('sim:')) {
      const sim = this.o.sim;
      if (!sim) throw new Error('sim: source without sim options');
      const opts: SimOptions = { width: sim.width, height: sim.height, fps: sim.fps, fontFile: 'font.ttf', labelFile: sim.labelFile, clockFile: 'clock.txt' };
      return simArgs(opts);
    }
    return rtspArgs(this.timeoutOption!, this.o.source, this.o.socketTimeoutMs ?? 5000);
  }

  private spawnOnce(): void {
    if (this.stopped) return;
    if (!this.o.source.startsWith('sim:') && !this.timeoutOption) {
      // The RTSP arguments depend on the ffmpeg version: ask it first, asynchronously (once per binary).
      void probeRtspTimeoutOption(this.o.ffmpegPath).then((opt) => {
        this.timeoutOption = opt;
        this.spawnOnce();
      });
      return;
    }
    this.setStatus(this.attempt === 0 ? { state: 'connecting' } : { state: 'reconnecting', code: this.status.code });
    this.stderrTail = '';
    this.killedFor = undefined;
    this.cache.reset();
    const aligner = new TsAligner();
    let child: ChildProcess;
    try {
      // The demo pattern's clock shows Paris time whatever the machine's zone (ffmpeg reads TZ).
      const env = this.o.sim ? { ...process.env, TZ: 'Europe/Paris' } : process.env;
      child = spawn(this.o.ffmpegPath, this.args(), { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.o.sim?.workDir, env, windowsHide: true });
    } catch (err) {
      this.o.log.error('camera %s: cannot start ffmpeg: %s', this.o.cameraId, redact(String(err)));
      return this.scheduleRetry('FFMPEG_FAILED');
    }
    this.child = child;
    // A new ffmpeg is a new stream (timestamps, continuity): clients restart on its first keyframe.
    this.emit('restart');
    if (child.pid) this.o.pidFile?.add(child.pid);
    this.lastDataAt = Date.now();
    this.gotData = false;
    this.armStallTimer();

    const pacer = new ReadPacer(child.stdout!, this.o.readPaceMs ?? DEFAULT_READ_PACE_MS, (chunk) => {
      this.lastDataAt = Date.now();
      this.gotData = true;
      const aligned = aligner.push(chunk);
      if (aligned.length === 0) return;
      const pieces = this.cache.push(aligned);
      const type = this.cache.ts.videoStreamType;
      if (type !== undefined && type !== STREAM_TYPE_H264) {
        // Chromium decodes H.264 only (no H.265 through MSE here): say so rather than show black.
        this.killedFor = 'CODEC_UNSUPPORTED';
        this.cache.reset();
        pacer.stop();
        child.kill('SIGKILL');
        return;
      }
      if (pieces.some((p) => p.keyframe) && this.status.state !== 'live') {
        this.attempt = 0;
        this.setStatus({ state: 'live' });
      }
      this.emit('pieces', pieces as Piece[]);
    });
    this.pacer = pacer;
    child.stderr!.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-2000);
    });
    child.on('error', (err) => {
      this.o.log.error('camera %s: ffmpeg error: %s', this.o.cameraId, redact(err.message));
    });
    // 'close', not 'exit': the error is decided on ffmpeg's whole output (stderr may still be
    // arriving when the process has exited, and « 401 Unauthorized » is its last line).
    child.on('exit', () => {
      if (child.pid) this.o.pidFile?.remove(child.pid);
    });
    child.on('close', (code, signal) => {
      pacer.stop();
      if (this.child === child) this.child = undefined;
      clearTimeout(this.stallTimer);
      this.emit('exit', child.pid);
      if (this.stopped) return;
      const reason = this.killedFor ?? (this.status.state === 'live' ? 'STREAM_ENDED' : classifyFfmpegError(this.stderrTail));
      this.o.log.warn('camera %s: ffmpeg ended (%s, %s): %s — %s', this.o.cameraId, code, signal, reason, redact(this.stderrTail.trim().split('\n').slice(-2).join(' | ')));
      if (reason === 'CODEC_UNSUPPORTED') {
        // Retrying will not change the camera's codec.
        this.setStatus({ state: 'error', code: reason });
        return;
      }
      // Main keeps retrying whatever the reason: the tile says so (« nouvel essai dans 2 s »),
      // never a final-looking error while a retry is on its way.
      this.scheduleRetry(reason);
    });
  }

  private armStallTimer(): void {
    const stall = this.o.stallTimeoutMs ?? 5000;
    const connect = Math.max(stall, this.o.connectTimeoutMs ?? 10000);
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => {
      if (!this.child || this.stopped) return;
      if (Date.now() - this.lastDataAt >= (this.gotData ? stall : connect)) {
        this.killedFor = 'NO_DATA';
        this.child.kill('SIGKILL');
      } else {
        this.armStallTimer();
      }
    }, Math.min(stall, 500));
    this.stallTimer.unref();
  }

  private scheduleRetry(code: PipeErrorCode): void {
    if (this.stopped) return;
    const initial = this.o.backoffInitialMs ?? 500;
    const max = this.o.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS;
    const delay = Math.min(max, initial * 2 ** Math.min(this.attempt, 16));
    this.attempt++;
    this.setStatus({ state: 'reconnecting', code, retryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => this.spawnOnce(), delay);
  }

  /** Stops for good. Resolves once ffmpeg has exited (SIGKILL: a remux has nothing to flush). */
  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.stallTimer);
    this.setStatus({ state: 'stopped' });
    this.pacer?.stop();
    // Until 'close' this run may still act (its pid file entry, its last status): wait for it.
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('close', () => resolve());
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
  }
}
