import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * Keeps main's young generation at V8's starting size (a 1 MB semi-space) instead of letting it
 * grow to 16 MB.
 *
 * The relay allocates steadily (each camera's chunks, their TS pieces, WebSocket frames), and a
 * share of that lives a little while (a GOP in the cache, a turn in the pacer). V8 doubles the
 * semi-space each time the bytes surviving its scavenges since the last doubling exceed its
 * size: under a steady flow that always happens in the end, so over a shift main's RSS climbs
 * in steps (1 → 2 → 4 → 8 → 16 MB, twice: from- and to-space) that look like a leak and buy
 * nothing here (main's CPU is a few percent; a scavenge of 1 MB is a fraction of a millisecond).
 * Measured: `npm run bench -- wall`, main_new_space_growth_mb_10min and main_rss_growth_mb_10min.
 * It is set before any other module is evaluated (young-gen-start.ts, the entries' first import):
 * loading the bundle alone would otherwise grow it to its maximum.
 *
 * `--max-semi-space-size` is only read when the heap is created (too late for Electron's main,
 * whose `--js-flags` cannot be set for a packaged app), but the growth factor is read at each
 * growth, so it can be set here at start. Node (and Electron, which patches V8's flag freezing
 * off for Node's sake) allow it. CSU_V8_DEFAULTS=1 keeps V8's defaults, for the bench's A/B.
 */
export function boundYoungGeneration(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.CSU_V8_DEFAULTS === '1') return false;
  setFlagsFromString('--semi-space-growth-factor=1');
  return true;
}

/** The young generation's size (both semi-spaces), bytes: what the flag bounds. */
export function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}
