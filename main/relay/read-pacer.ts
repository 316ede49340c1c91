import type { Readable } from 'node:stream';

/** The libuv stream behind a net.Socket (a child's stdout is one). Not public API: see stopReading. */
interface StreamHandle {
  reading?: boolean;
  readStart?: () => number;
  readStop?: () => number;
}

function handleOf(stream: Readable): StreamHandle | undefined {
  const h = (stream as unknown as { _handle?: StreamHandle | null })._handle;
  return h && typeof h.readStart === 'function' && typeof h.readStop === 'function' ? h : undefined;
}

/** The pace timer; tests give their own to decide when a rest ends instead of sleeping. */
export interface PaceTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: PaceTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Hands a stream's bytes on in turns at least `paceMs` apart, never later than `paceMs` after
 * they came.
 *
 * ffmpeg writes once per frame (flush_packets 1) so that a quiet camera's pictures leave at once.
 * At 25 fps that is 25 wake-ups a second, and on this kind of machine each costs a few tenths of
 * a millisecond of Node machinery (stream read, timers, WebSocket send), never hot enough for V8
 * to optimise: most of the relay's CPU (bench relay, cpu_s_per_stream_min_ours_unpaced). Between
 * turns the pipe is not read, so the frames wait in it and come in one read. After a quiet spell
 * the first bytes go on at once: a still basement's picture is not held, and a busy camera's
 * frames are late by at most `paceMs`.
 */
export class ReadPacer {
  private pending: Buffer[] = [];
  private timer: unknown;
  private immediate: NodeJS.Immediate | undefined;
  private stopped = false;
  /** Turns handed on, for tests and diagnostics. */
  turns = 0;

  constructor(
    private readonly stream: Readable,
    private readonly paceMs: number,
    private readonly sink: (chunk: Buffer) => void,
    private readonly timers: PaceTimers = realTimers,
  ) {
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  private onData(chunk: Buffer): void {
    if (this.stopped) return;
    if (this.paceMs <= 0) {
      this.turns++;
      return this.sink(chunk);
    }
    this.pending.push(chunk);
    // Idle (flowing, no turn under way): the turn ends once what is readable now has come.
    if (this.timer === undefined && !this.immediate) this.immediate = setImmediate(() => this.endTurn());
  }

  private endTurn(): void {
    this.immediate = undefined;
    if (this.stopped || this.pending.length === 0) return; // nothing came while resting: idle again
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.turns++;
    this.sink(data);
    if (this.stopped) return;
    this.rest();
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      if (this.stopped) return;
      this.wake();
      // The pipe is read in this loop turn's poll phase; the turn ends in its check phase.
      this.immediate = setImmediate(() => this.endTurn());
    }, this.paceMs);
  }

  /**
   * pause() alone keeps reading until the stream's buffer passes its high-water mark (16 KB in
   * Node 20, 64 KB from 22: several frames), a wake-up each. Stopping the handle is what net.Socket
   * itself does (tryReadStart, pause with `onread`), but through fields that are not public: where
   * they are missing this falls back to pause(), correct and only dearer. A test
   * (read-pacer.test.ts) fails if a Node upgrade takes them away.
   */
  private rest(): void {
    this.stream.pause();
    const h = handleOf(this.stream);
    if (h?.reading) {
      h.reading = false;
      h.readStop!();
    }
  }

  private wake(): void {
    this.stream.resume();
    const h = handleOf(this.stream);
    if (h && !h.reading && !this.stream.destroyed) {
      h.reading = true;
      h.readStart!();
    }
  }

  /** Drops what is pending and hands nothing on any more (the process is gone or being killed). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.pending = [];
    if (this.timer !== undefined) this.timers.clear(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    // Let the pipe drain to its end, so the process's streams close.
    if (!this.stream.destroyed) this.wake();
  }
}
