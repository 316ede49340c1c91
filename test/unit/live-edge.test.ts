import { CATCH_UP_RATE, LiveEdge, TROUGH_HIGH_S, TROUGH_LOW_S, WINDOW_MS } from '../../renderer/components/live-edge';

/** Feeds a sawtooth lag: deliveries every `gapMs`, each bringing the buffer `peakS` ahead, played down at `rate`. */
function run(edge: LiveEdge, peakS: number, gapMs: number, ms: number, frameMs = 40): number[] {
  const rates: number[] = [];
  let rate = 1;
  let lag = peakS;
  for (let at = 0; at < ms; at += frameMs) {
    if (at % gapMs < frameMs) lag = peakS;
    rate = edge.next(at, lag, rate);
    rates.push(rate);
    lag -= (frameMs / 1000) * rate;
  }
  return rates;
}

describe('live edge: play faster only while even the low point of the buffer is well ahead', () => {
  test('a tile 0.6 s behind with 100 ms deliveries plays faster; one whose low point is 30 ms plays at normal speed', () => {
    expect(run(new LiveEdge(), 0.6, 100, 3000).at(-1)).toBe(CATCH_UP_RATE);
    expect(run(new LiveEdge(), 0.13, 100, 3000).at(-1)).toBe(1);
  });

  test('slow deliveries (400 ms) need a buffer of their size: 0.45 s at the peak is not too much', () => {
    // Low point 0.45 − 0.4 = 0.05 s: catching up would run the buffer dry.
    expect(run(new LiveEdge(), 0.45, 400, 4000).every((r) => r === 1)).toBe(true);
  });

  test('judges nothing before half a window of samples', () => {
    const e = new LiveEdge();
    expect(e.next(0, 2, 1)).toBe(1);
    expect(e.next(WINDOW_MS / 2 - 1, 2, 1)).toBe(1);
    expect(e.next(WINDOW_MS / 2, 2, 1)).toBe(CATCH_UP_RATE);
  });

  test('between the two thresholds the rate stays as it is (no flapping)', () => {
    const e = new LiveEdge();
    const between = (TROUGH_LOW_S + TROUGH_HIGH_S) / 2;
    for (let at = 0; at <= WINDOW_MS; at += 40) e.next(at, between, 1);
    expect(e.next(WINDOW_MS + 40, between, CATCH_UP_RATE)).toBe(CATCH_UP_RATE);
    expect(e.next(WINDOW_MS + 80, between, 1)).toBe(1);
  });
});

test('a tile dropping frames never plays faster: it is short of CPU, not of data', () => {
  const e = new LiveEdge();
  for (let at = 0; at <= WINDOW_MS; at += 40) e.next(at, 0.6, 1);
  expect(e.next(WINDOW_MS + 40, 0.6, 1)).toBe(CATCH_UP_RATE);
  expect(e.next(WINDOW_MS + 80, 0.6, CATCH_UP_RATE, true)).toBe(1);
});
