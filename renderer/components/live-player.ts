import mpegts from 'mpegts.js';
import { LIVE_JUMP, LiveEdge } from './live-edge';
import { relayLoader } from './relay-loader';

export interface LivePlayerHooks {
  /** The newest player's socket was closed, with the relay's code (1006: the connection dropped). */
  onClose(code: number): void;
}

interface Slot {
  url: string;
  video: HTMLVideoElement;
  player: mpegts.Player;
  frames: number;
  /** getVideoPlaybackQuality's counts at the last poll. */
  decoded: number;
  dropped: number;
  /** When a poll last saw frames dropped by the handful (performance.now()). */
  droppedAt: number;
  lastFrameAt: number;
  /** Closes its socket, keeping its last picture on screen. */
  closeSocket(): void;
  stop(): void;
}

/** Frames dropped this recently: the tile is short of CPU and does not catch up by playing faster (live-edge.ts). */
const DROPPING_MS = 3000;

/** Time for the relay to see a closed socket go before the same token is used again (it takes one socket per token). */
const SAME_TOKEN_DELAY_MS = 150;

type FrameVideo = HTMLVideoElement & { requestVideoFrameCallback?(cb: () => void): number; cancelVideoFrameCallback?(h: number): void };

/**
 * One tile's video: mpegts.js on the relay's WebSocket, muted (MSE autoplay needs it). Knows
 * whether decoded frames advance (requestVideoFrameCallback, and getVideoPlaybackQuality where
 * a frame is decoded but not painted), which is the only proof a picture is live: currentTime
 * leaps by hours on a source restart while nothing moves.
 *
 * `play(url)` starts a new player beside the one on screen; the old picture stays until the new
 * one's first frame (a reconnection, a renewal or a switch to the main stream shows no black).
 */
export class LivePlayer {
  private current: Slot | undefined;
  private pending: Slot | undefined;
  private readonly poll: ReturnType<typeof setInterval>;

  constructor(
    private readonly box: HTMLElement,
    private readonly label: string,
    private readonly hooks: LivePlayerHooks,
  ) {
    this.poll = setInterval(() => {
      for (const s of [this.current, this.pending]) if (s) this.countDecoded(s);
    }, 250);
  }

  /** When the newest frame was shown (performance.now()), 0 before any. */
  get lastFrameAt(): number {
    return Math.max(this.current?.lastFrameAt ?? 0, this.pending?.lastFrameAt ?? 0);
  }

  /** A picture is on screen (possibly an old one while a new player starts). */
  get hasPicture(): boolean {
    return (this.current?.frames ?? 0) > 0;
  }

  /** The newest player's URL. */
  get url(): string | undefined {
    return (this.pending ?? this.current)?.url;
  }

  play(url: string): void {
    const reused = this.current?.url === url || this.pending?.url === url;
    this.pending?.stop();
    this.pending = undefined;
    if (reused) this.current!.closeSocket();
    const slot = this.start(url, reused ? SAME_TOKEN_DELAY_MS : 0);
    if (!this.current || this.current.frames === 0) {
      this.current?.stop();
      this.current = slot;
      slot.video.classList.add('on-screen');
    } else {
      this.pending = slot;
    }
  }

  destroy(): void {
    clearInterval(this.poll);
    this.pending?.stop();
    this.current?.stop();
    this.pending = this.current = undefined;
  }

  private start(url: string, delayMs: number): Slot {
    const video = document.createElement('video') as FrameVideo;
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute('aria-label', this.label);
    this.box.appendChild(video);
    let closed = false;
    const socket: { closeSocket?: () => void } = {};
    const player = mpegts.createPlayer(
      { type: 'mpegts', isLive: true, url },
      {
        enableWorker: false,
        enableStashBuffer: false,
        ...LIVE_JUMP,
        // The rate is ours (live-edge.ts): mpegts.js' liveSync aims at a fixed latency whatever the delivery's jitter.
        liveSync: false,
        lazyLoad: false,
        autoCleanupSourceBuffer: true,
        customLoader: relayLoader((code) => {
          if (closed) return;
          closed = true;
          // Only the newest player speaks: an old one closing behind a newer one means nothing.
          if (slot === (this.pending ?? this.current)) this.hooks.onClose(code);
        }, socket),
      },
    );
    let handle: number | undefined;
    let begin: ReturnType<typeof setTimeout> | undefined;
    const slot: Slot = {
      url,
      video,
      player,
      frames: 0,
      decoded: 0,
      dropped: 0,
      droppedAt: -Infinity,
      lastFrameAt: 0,
      closeSocket: () => {
        closed = true;
        socket.closeSocket?.();
      },
      stop: () => {
        closed = true;
        clearTimeout(begin);
        if (handle !== undefined) video.cancelVideoFrameCallback?.(handle);
        player.destroy();
        video.remove();
      },
    };
    const edge = new LiveEdge();
    const onFrame = () => {
      this.sawFrame(slot);
      const b = video.buffered;
      if (b.length && !video.paused && !video.seeking) {
        const now = performance.now();
        const rate = edge.next(now, b.end(b.length - 1) - video.currentTime, video.playbackRate, now - slot.droppedAt < DROPPING_MS);
        if (rate !== video.playbackRate) video.playbackRate = rate;
      }
      handle = video.requestVideoFrameCallback?.(onFrame);
    };
    handle = video.requestVideoFrameCallback?.(onFrame);
    player.attachMediaElement(video);
    const go = () => {
      player.load();
      void Promise.resolve(player.play()).catch(() => undefined);
    };
    if (delayMs > 0) begin = setTimeout(go, delayMs);
    else go();
    return slot;
  }

  private countDecoded(s: Slot): void {
    const q = s.video.getVideoPlaybackQuality?.();
    if (q) {
      // A frame dropped now and then is not a renderer short of CPU; two in a quarter second (of ~6) are.
      if (q.droppedVideoFrames - s.dropped >= 2) s.droppedAt = performance.now();
      s.dropped = q.droppedVideoFrames;
    }
    const n = q?.totalVideoFrames ?? 0;
    if (n <= s.decoded) return;
    s.decoded = n;
    this.sawFrame(s);
  }

  private sawFrame(s: Slot): void {
    s.frames++;
    s.lastFrameAt = performance.now();
    if (s === this.pending) {
      // The new picture is there: it replaces the old one in the same paint.
      s.video.classList.add('on-screen');
      this.current?.stop();
      this.current = s;
      this.pending = undefined;
    }
  }
}
