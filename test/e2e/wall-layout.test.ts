import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openDatabase } from '../../db';
import { listConventions, upsertConvention } from '../../db/catalogue';
import { seedDemo } from '../../db/seeds/demo';
import { launchChromium } from '../helpers/browser';
import { login, requestCameras } from '../helpers/console-ui';
import { spawnHeadless } from '../helpers/headless';
import { tmpDir } from '../helpers/tmp';

/** 16 demo cameras: every tile reachable and on screen, whatever the layout; the wall survives a reload. */
const SHOTS = process.env.CSU_SHOTS_DIR;

const allPlaying = (page: Page, n: number) =>
  page.waitForFunction(
    (count) => {
      const vs = [...document.querySelectorAll('[data-testid=tile] video.on-screen')] as HTMLVideoElement[];
      return vs.length === count && vs.every((v) => v.getVideoPlaybackQuality().totalVideoFrames > 0);
    },
    n,
    { timeout: 60000 },
  );

async function tilesInViewport(page: Page): Promise<{ inside: number; total: number }> {
  return page.evaluate(() => {
    const tiles = [...document.querySelectorAll('.wall [data-testid=tile]')].filter((t) => !t.closest('[hidden]'));
    const inside = tiles.filter((t) => {
      const r = t.getBoundingClientRect();
      return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight + 0.5 && r.right <= window.innerWidth + 0.5 && r.height > 60;
    });
    return { inside: inside.length, total: tiles.length };
  });
}

describe('wall layout and reload (demo site, Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 30000);
  afterAll(() => browser?.close());

  test('16 tiles fit 1366×768, 1600×1000, 1920×1080; 2×2 pages them all (« +12 caméras »); keyboard and « Aide »; F5 brings the same wall back with new tokens, journaled', async () => {
    const tmp = tmpDir();
    // Two cores decode everything here: small demo pictures.
    writeFileSync(path.join(tmp.dir, 'settings.json'), JSON.stringify({ consoleId: 'e2e-wall', demoCamera: { width: 320, height: 180, fps: 10 } }));
    // The Tripode's convention allows recording: its first grant's tiles carry « ● Enr. » in their top bar.
    const seeded = await openDatabase(path.join(tmp.dir, 'console.sqlite'));
    await seedDemo(seeded, Date.now());
    const tripode = (await listConventions(seeded, 'tripode'))[0]!;
    await upsertConvention(seeded, { ...tripode, recordingAllowed: true, retentionDays: 7 });
    await seeded.destroy();
    const app = await spawnHeadless(tmp.dir, ['--test-hooks']);
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const sockets: string[] = [];
    page.on('websocket', (ws) => {
      if (ws.url().includes('/stream/')) sockets.push(ws.url());
    });
    try {
      await page.goto(app.url);
      await login(page);
      await requestCameras(page, 'all', /Résidence du Tripode/, /Police municipale/, 'Plainte annoncée par le bailleur : conserver les images.');
      await requestCameras(page, 'all', /Résidence du Tripode/, /Commissariat/);
      await requestCameras(page, 'all', /Bobinet-Sellier/, /Police municipale/);
      await allPlaying(page, 16);
      for (const [width, height] of [[1366, 768], [1600, 1000], [1920, 1080]] as const) {
        await page.setViewportSize({ width, height });
        // The window has its new size and the wall has been laid out and painted for it (two frames).
        await page.waitForFunction(([w, h]) => window.innerWidth === w && window.innerHeight === h, [width, height] as const);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `wall-16-${width}.png`) });
        expect(await tilesInViewport(page)).toEqual({ inside: 16, total: 16 });
        // The badges never cover the caption nor each other (« ● Enr. » sits between them); the countdown is on one line.
        const overlap = await page.evaluate(() =>
          [...document.querySelectorAll('.wall [data-testid=tile]')].filter((t) => {
            const c = t.querySelector('.tile-caption')!.getBoundingClientRect();
            const b = t.querySelector('.tile-state')!.getBoundingClientRect();
            const rec = t.querySelector('.tile-rec')?.getBoundingClientRect();
            const left = t.querySelector('.left');
            const oneLine = !left || left.getBoundingClientRect().height < 24;
            const recClear = !rec || (c.right <= rec.left + 0.5 && rec.right <= b.left + 0.5 && rec.height < 24);
            return c.right > b.left + 0.5 || !oneLine || !recClear;
          }).length,
        );
        expect(overlap).toBe(0);
      }
      // The check above saw the recorded grant's 6 badges (the Tripode's cameras), and only those.
      expect(await page.locator('.wall [data-testid=tile] .tile-rec').count()).toBe(6);

      await page.setViewportSize({ width: 1366, height: 768 });
      await page.getByRole('button', { name: '2×2' }).click();
      expect(await page.getByTestId('wall-page').textContent()).toBe('page 1 / 4');
      expect(await page.getByTestId('wall-more').textContent()).toBe('+12 caméras');
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'wall-2x2-pages-1366.png') });
      const reached = new Set<string>();
      for (let p = 0; p < 4; p++) {
        for (const c of await page.$$eval('.wall [data-testid=tile]', (ts) => ts.map((t) => `${t.getAttribute('data-grant')}:${t.getAttribute('data-camera')}`))) reached.add(c);
        if (p < 3) await page.getByRole('button', { name: 'Page suivante' }).click();
      }
      expect(reached.size).toBe(16);

      // Keyboard: « ? » shows the help; arrows reach the 16th tile, Entrée enlarges it.
      await page.getByRole('button', { name: 'Auto' }).click();
      await page.keyboard.press('?');
      await page.getByTestId('wall-help').waitFor();
      expect(await page.getByTestId('wall-help').textContent()).toContain('agrandir la vignette');
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'wall-help-1366.png') });
      await page.keyboard.press('Escape');
      await page.getByTestId('wall-help').waitFor({ state: 'detached' });
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      const enlarged = page.locator('.wall [data-testid=tile].enlarged');
      await enlarged.waitFor();
      expect(await enlarged.locator('.tile-index').textContent()).toBe('16');
      // The enlarged tile fills the wall, and it is the only one on screen.
      const sizes = await page.$$eval('.wall [data-testid=tile]', (ts) => ts.map((t) => ({ big: t.classList.contains('enlarged'), ...(({ width, height }) => ({ width, height }))(t.getBoundingClientRect()) })));
      const wallBox = (await page.locator('.wall').boundingBox())!;
      const big = sizes.find((x) => x.big)!;
      expect(big.width).toBeGreaterThan(wallBox.width * 0.9);
      expect(big.height).toBeGreaterThan(wallBox.height * 0.9);
      expect(sizes.filter((x) => !x.big && x.width * x.height > 0)).toEqual([]);
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'wall-enlarged-16-1366.png') });
      // A digit enlarges another tile: the same, for tile 3.
      await page.keyboard.press('Escape');
      await page.keyboard.press('3');
      await page.waitForFunction(() => document.querySelector('.wall [data-testid=tile].enlarged .tile-index')?.textContent === '3');
      const three = (await page.locator('.wall [data-testid=tile].enlarged').boundingBox())!;
      expect(three.height).toBeGreaterThan(wallBox.height * 0.9);
      await page.keyboard.press('Escape');
      await page.locator('.wall [data-testid=tile].enlarged').waitFor({ state: 'detached' });

      // F5: the same tiles, playing again within seconds, on new tokens; each reopening journaled.
      const before = new Set(sockets);
      const shown = (await page.$$eval('.wall [data-testid=tile]', (ts) => ts.map((t) => `${t.getAttribute('data-grant')}:${t.getAttribute('data-camera')}`))).sort();
      await page.reload();
      await allPlaying(page, 16);
      const after = (await page.$$eval('.wall [data-testid=tile]', (ts) => ts.map((t) => `${t.getAttribute('data-grant')}:${t.getAttribute('data-camera')}`))).sort();
      expect(after).toEqual(shown);
      const fresh = sockets.filter((s) => !before.has(s));
      expect(fresh.length).toBe(16);
      const db = await openDatabase(path.join(tmp.dir, 'console.sqlite'));
      try {
        expect((await db('journal').where({ kind: 'stream.opened' })).length).toBe(32);
      } finally {
        await db.destroy();
      }

      // The chosen layout and page survive a reload of the window.
      await page.getByRole('button', { name: '2×2' }).click();
      await page.getByRole('button', { name: 'Page suivante' }).click();
      expect(await page.getByTestId('wall-page').textContent()).toBe('page 2 / 4');
      await page.reload();
      await page.waitForFunction(() => document.querySelector('[data-testid=wall-page]')?.textContent === 'page 2 / 4', null, { timeout: 15000 });
      expect(await page.getByRole('button', { name: '2×2' }).getAttribute('aria-pressed')).toBe('true');
      expect(await page.locator('.wall [data-testid=tile]').count()).toBe(4);
    } finally {
      await page.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 240000);
});
