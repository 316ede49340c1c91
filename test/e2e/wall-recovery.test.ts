import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { framesAdvance, login, recordTileStates, requestCameras, testHook, tileStates, tileStateText } from '../helpers/console-ui';
import { spawnHeadless } from '../helpers/headless';
import { tmpDir } from '../helpers/tmp';

/** A tile tells the truth and recovers by itself: ffmpeg killed mid-stream, a relay close 4005. */
const SHOTS = process.env.CSU_SHOTS_DIR;

describe('wall: tiles recover by themselves (demo cameras, real ffmpeg, Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 30000);
  afterAll(() => browser?.close());

  test('ffmpeg killed mid-stream → « Image figée » then live again; a 4005 close → the tile reconnects', async () => {
    const tmp = tmpDir();
    const app = await spawnHeadless(tmp.dir, ['--test-hooks']);
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const sockets: string[] = [];
    page.on('websocket', (ws) => {
      if (ws.url().includes('/stream/')) sockets.push(ws.url());
    });
    try {
      await page.goto(app.url);
      await login(page);
      await requestCameras(page, ["Hall — 1 rue de l'Arcade", 'Parking niveau -1']);
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=tile]')].length === 2 && [...document.querySelectorAll('[data-testid=tile]')].every((t) => t.getAttribute('data-state') === 'live'), null, { timeout: 30000 });
      const cams = await page.$$eval('[data-testid=tile]', (ts) => ts.map((t) => t.getAttribute('data-camera')!));
      const [killed, other] = cams as [string, string];
      await recordTileStates(page);

      const { pid } = (await testHook(app, `relay?kill=${encodeURIComponent(killed)}`)) as { pid: number | null };
      expect(pid).not.toBeNull();
      // Every state the tile took is recorded (a short one too): « Image figée », then live again.
      await page.waitForFunction(
        (c) => {
          const seen = (window as unknown as { __states: { camera: string; state: string }[] }).__states.filter((x) => x.camera === c).map((x) => x.state);
          const f = seen.indexOf('frozen');
          return f >= 0 && seen.indexOf('live', f) > f;
        },
        killed,
        { timeout: 10000 },
      );
      await page.locator(`[data-testid=tile][data-camera="${killed}"][data-state=live]`).waitFor({ timeout: 5000 });
      expect(await tileStateText(page, killed, 'frozen')).toMatch(/^Image figée — reconnexion…/);
      await framesAdvance(page, killed, 5000);
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'tile-recovered-1366.png') });
      const seen = await tileStates(page, killed);
      expect(seen.indexOf('frozen')).toBeGreaterThanOrEqual(0);
      expect(seen.lastIndexOf('live')).toBeGreaterThan(seen.indexOf('frozen'));
      // The other camera never stopped being live.
      expect(await tileStates(page, other)).toEqual(['live']);

      const opened = sockets.length;
      const { closed } = (await testHook(app, 'relay?close=4005')) as { closed: number };
      expect(closed).toBe(2);
      await framesAdvance(page, killed, 5000);
      await framesAdvance(page, other, 5000);
      expect(sockets.length).toBeGreaterThanOrEqual(opened + 2);
      for (const c of cams) expect(await page.locator(`[data-testid=tile][data-camera="${c}"]`).getAttribute('data-state')).toBe('live');
      let all = [...(await tileStates(page, killed)), ...(await tileStates(page, other))];
      expect(all.some((s) => s.startsWith('ended'))).toBe(false);

      // The page's API socket drops while the page lives: for main the page has ended and its
      // stream tokens are revoked (close 4008). The tiles ask for new ones and play on.
      const before = new Set(sockets);
      const { dropped } = (await testHook(app, 'api?drop=1')) as { dropped: number };
      expect(dropped).toBe(1);
      await framesAdvance(page, killed, 10000);
      await framesAdvance(page, other, 10000);
      const fresh = sockets.filter((u) => !before.has(u));
      expect(new Set(fresh.map((u) => u.replace(/^.*\/stream\//, ''))).size).toBeGreaterThanOrEqual(2);
      const { relay } = (await testHook(app, 'memory')) as { relay: { tokens: number } };
      // Two cameras, a sub and a main stream each: the page's live tokens only, the revoked ones are gone.
      expect(relay.tokens).toBe(4);
      all = [...(await tileStates(page, killed)), ...(await tileStates(page, other))];
      expect(all.some((s) => s.startsWith('ended'))).toBe(false);
    } finally {
      await page.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 120000);

  test('sub-streams: the grid plays the sub stream, an enlarged tile the main one, without a black frame either way', async () => {
    const tmp = tmpDir();
    const app = await spawnHeadless(tmp.dir, ['--test-hooks']);
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      await page.goto(app.url);
      await login(page);
      await requestCameras(page, ['Sous-sol — caves']);
      await page.locator('[data-testid=tile][data-state=live]').waitFor({ timeout: 30000 });
      const width = () => page.$eval('[data-testid=tile] video.on-screen', (v) => (v as HTMLVideoElement).videoWidth);
      expect(await width()).toBe(320); // the demo's sub stream: half of 640×360
      // Every painted frame of the switch: the tile always shows a decoded picture.
      await page.evaluate(() => {
        const w = window as unknown as { __black: number; __watch: boolean };
        w.__black = 0;
        w.__watch = true;
        const check = () => {
          const v = document.querySelector('[data-testid=tile] video.on-screen') as HTMLVideoElement | null;
          if (!v || v.readyState < 2 || v.videoWidth === 0) w.__black++;
          if (w.__watch) requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      });
      await page.keyboard.press('1');
      await page.locator('[data-testid=tile].enlarged').waitFor();
      await page.waitForFunction(() => (document.querySelector('[data-testid=tile] video.on-screen') as HTMLVideoElement | null)?.videoWidth === 640, null, { timeout: 15000 });
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'tile-enlarged-main-1366.png') });
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => (document.querySelector('[data-testid=tile] video.on-screen') as HTMLVideoElement | null)?.videoWidth === 320, null, { timeout: 15000 });
      const black = await page.evaluate(() => {
        const w = window as unknown as { __black: number; __watch: boolean };
        w.__watch = false;
        return w.__black;
      });
      expect(black).toBe(0);
      expect(await page.locator('[data-testid=tile]').getAttribute('data-state')).toBe('live');
    } finally {
      await page.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 90000);
});
