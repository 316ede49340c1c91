import type { Page } from 'playwright-core';

/**
 * What the bench watches inside the console page, installed before its scripts run (so its
 * times are performance.now() from the navigation: a reload's split is read from them).
 * - every stream socket: when it opened, when its first message came, the gaps between messages
 *   (the relay's delivery turns: the floor under the tile's buffer);
 * - seeks and stalls of the tiles' videos (capture listeners: media events do not bubble);
 * - when 16 tiles, and 16 tile videos, were first in the DOM.
 */
export function installProbe(): void {
  interface Sock { url: string; createdAt: number; openAt: number; firstAt: number; lastAt: number; gaps: number[] }
  const w = window as unknown as { __wall: { socks: Sock[]; seeks: number; stalls: number; tilesAt: number; videosAt: number } };
  w.__wall = { socks: [], seeks: 0, stalls: 0, tilesAt: 0, videosAt: 0 };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const s: Sock = { url: String(url), createdAt: performance.now(), openAt: 0, firstAt: 0, lastAt: 0, gaps: [] };
      if (!s.url.includes('/stream/')) return;
      w.__wall.socks.push(s);
      this.addEventListener('open', () => (s.openAt = performance.now()));
      this.addEventListener('message', () => {
        const now = performance.now();
        if (!s.firstAt) s.firstAt = now;
        else if (s.gaps.length < 20000) s.gaps.push(now - s.lastAt);
        s.lastAt = now;
      });
    }
  } as typeof WebSocket;
  document.addEventListener('seeking', () => w.__wall.seeks++, true);
  document.addEventListener('waiting', () => w.__wall.stalls++, true);
  const watch = () => {
    new MutationObserver((_m, obs) => {
      if (!w.__wall.tilesAt && document.querySelectorAll('.wall [data-testid=tile]').length >= 16) w.__wall.tilesAt = performance.now();
      if (!w.__wall.videosAt && document.querySelectorAll('.wall [data-testid=tile] video').length >= 16) w.__wall.videosAt = performance.now();
      if (w.__wall.tilesAt && w.__wall.videosAt) obs.disconnect();
    }).observe(document.documentElement, { childList: true, subtree: true });
  };
  if (document.documentElement) watch();
  else document.addEventListener('DOMContentLoaded', watch);
}

export interface ProbeState {
  socks: { url: string; createdAt: number; openAt: number; firstAt: number; gaps: number[] }[];
  seeks: number;
  stalls: number;
  tilesAt: number;
  videosAt: number;
  domAt: number;
  now: number;
}

export function readProbe(page: Page): Promise<ProbeState> {
  return page.evaluate(() => {
    const w = window as unknown as { __wall: Omit<ProbeState, 'domAt' | 'now'> };
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return { ...w.__wall, domAt: nav?.domContentLoadedEventEnd ?? 0, now: performance.now() };
  });
}

/** Clears the message gaps and counters, so a phase counts only its own. */
export function resetProbe(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { __wall: { socks: { gaps: number[] }[]; seeks: number; stalls: number } };
    for (const s of w.__wall.socks) s.gaps = [];
    w.__wall.seeks = 0;
    w.__wall.stalls = 0;
  });
}

/** Each on-screen tile video: frames decoded and dropped, and how far behind its buffer's end it plays (ms). */
export function sampleTiles(page: Page): Promise<{ total: number; dropped: number; lag: number; rate: number }[]> {
  return page.$$eval('.wall [data-testid=tile] video.on-screen', (vs) =>
    vs.map((v) => {
      const e = v as HTMLVideoElement;
      const b = e.buffered;
      const q = e.getVideoPlaybackQuality();
      return { total: q.totalVideoFrames, dropped: q.droppedVideoFrames, lag: b.length ? (b.end(b.length - 1) - e.currentTime) * 1000 : 0, rate: e.playbackRate };
    }),
  );
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
}
