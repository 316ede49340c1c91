/**
 * How close to the newest received frame a tile plays. Its buffer ahead of the playhead
 * (buffer end − playhead) runs down between two deliveries of the relay (a turn every 100 ms,
 * read-pacer.ts; longer on a busy machine) and jumps up at each. Only its low point matters: at
 * zero the picture stalls. So the tile plays slightly faster while even the low point of the
 * last two seconds is more than TROUGH_HIGH_S ahead, and at normal speed once it is under
 * TROUGH_LOW_S: the latency becomes what the delivery's jitter needs, with no fixed target
 * too low for a busy machine (stalls) or too high for a quiet one. It also absorbs the clock
 * drift between camera and console over hours.
 *
 * The low point aimed at (0.12–0.25 s) is what 16 tiles on a busy machine need: with 0.05–0.12 s
 * each tile ran dry about once a minute (bench wall, 16 tiles, 3 min: 532 stalls) and each stall
 * costs dropped frames when playback resumes (1.0 % of frames); at 0.12–0.25 s, 29 stalls and
 * 0.08 %, for 165 ms of median latency instead of 138 (p95 221 ms, goal 500).
 *
 * Large gaps (a tile joining on the relay's GOP cache starts at the keyframe, up to a GOP
 * behind; a hidden wall) are jumped by mpegts.js' latency chaser (LIVE_JUMP).
 */
export const TROUGH_HIGH_S = 0.25;
export const TROUGH_LOW_S = 0.12;
/** 10 % faster for a few seconds is not seen on a surveillance picture. */
export const CATCH_UP_RATE = 1.1;
export const WINDOW_MS = 2000;

export const LIVE_JUMP = {
  liveBufferLatencyChasing: true,
  /** More than this behind (seconds): jump. */
  liveBufferLatencyMaxLatency: 1.0,
  /** To this far from the buffer's end; the rate control takes it from there. */
  liveBufferLatencyMinRemain: 0.3,
} as const;

export class LiveEdge {
  private samples: { at: number; lag: number }[] = [];

  /**
   * One sample (each painted frame): the playback rate to use from now on. A tile whose frames
   * were dropped lately is short of CPU, not of data: playing faster would only drop more.
   */
  next(at: number, lagS: number, rate: number, droppingFrames = false): number {
    this.samples.push({ at, lag: lagS });
    if (droppingFrames) return 1;
    while (this.samples.length && this.samples[0]!.at < at - WINDOW_MS) this.samples.shift();
    // Judge only on a full window: a burst that just came says nothing of the low point.
    if (at - this.samples[0]!.at < WINDOW_MS / 2) return rate;
    let trough = Infinity;
    for (const s of this.samples) trough = Math.min(trough, s.lag);
    if (trough > TROUGH_HIGH_S) return CATCH_UP_RATE;
    if (trough < TROUGH_LOW_S) return 1;
    return rate;
  }

  /** After a jump or a new stream: the past window means nothing. */
  reset(): void {
    this.samples = [];
  }
}
