import path from 'node:path';
import type { Browser } from 'playwright-core';
import { openDatabase } from '../../db';
import { launchChromium } from '../helpers/browser';
import { login, requestCameras, testHook } from '../helpers/console-ui';
import { spawnHeadless } from '../helpers/headless';
import { tmpDir } from '../helpers/tmp';

/** « Renouveler »: a new request, justified again; the same tiles go on without a black gap. */
const SHOTS = process.env.CSU_SHOTS_DIR;
const MIN = 60000;

describe('renewal without a black gap (demo site, Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 30000);
  afterAll(() => browser?.close());

  test('10 minutes before the end the tile offers « Renouveler »; once granted the same tile element plays on, no frame gap over 1 s; the journal links the two', async () => {
    const tmp = tmpDir();
    const app = await spawnHeadless(tmp.dir, ['--test-hooks']);
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const streamSockets: string[] = [];
    page.on('websocket', (ws) => {
      if (ws.url().includes('/stream/')) streamSockets.push(ws.url());
    });
    try {
      await page.goto(app.url);
      await login(page);
      await requestCameras(page, ["Hall — 1 rue de l'Arcade", 'Parking niveau -1']);
      await page.waitForFunction(() => [...document.querySelectorAll('.wall [data-testid=tile]')].length === 2 && [...document.querySelectorAll('.wall [data-testid=tile]')].every((t) => t.getAttribute('data-state') === 'live'), null, { timeout: 30000 });
      const [old] = await page.evaluate(() => window.csu.grants.list());
      // Asking again for a camera already transmitted here: the wizard says so and offers renewal.
      await page.getByRole('navigation').getByRole('button', { name: 'Nouvelle demande' }).click();
      await page.getByRole('radio', { name: /Résidence du Tripode/ }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('checkbox', { name: "Hall — 1 rue de l'Arcade" }).check();
      const overlap = page.getByTestId('overlaps');
      await overlap.waitFor();
      expect(await overlap.textContent()).toMatch(/^Hall — 1 rue de l'Arcade : déjà transmise sur ce poste jusqu'à (?:demain\s)?\d\d\sh\s\d\d au titre de «\sdégradations\s» \(Police municipale de Charenton-le-Pont — CSU\)\./);
      expect(await overlap.getByRole('button', { name: 'Renouveler cette transmission' }).count()).toBe(1);
      // The service is not chosen yet (the Tripode's convention connects two): the notice says what each choice means.
      expect(await overlap.textContent()).toContain('Vers ce même service, la demande ne pourra pas être validée ; vers un autre service, elle reste possible.');
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'wizard-overlap-1366.png') });
      await page.getByRole('navigation').getByRole('button', { name: "Mur d'images" }).click();
      const now = (await testHook(app, 'clock?advance=0')) as { now: number };
      await testHook(app, `clock?advance=${old!.endsAt - 9 * MIN - now.now}`);
      const tile = page.locator('.wall [data-testid=tile]').first();
      await tile.getByRole('button', { name: 'Renouveler' }).waitFor({ timeout: 5000 });
      const handle = await tile.elementHandle();
      // From here, the longest time without a new frame on this tile's screen.
      await page.evaluate((el) => {
        const w = window as unknown as { __gap: number; __watch: boolean };
        w.__gap = 0;
        w.__watch = true;
        let last = performance.now();
        let seen = -1;
        let video: Element | null = null;
        const tick = () => {
          const v = el!.querySelector('video.on-screen') as HTMLVideoElement | null;
          const n = v ? v.getVideoPlaybackQuality().totalVideoFrames : -1;
          const t = performance.now();
          if (v !== video || n !== seen) {
            video = v;
            seen = n;
            last = t;
          }
          w.__gap = Math.max(w.__gap, t - last);
          if (w.__watch) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }, handle);
      const socketsBefore = streamSockets.length;
      await tile.getByRole('button', { name: 'Renouveler' }).click();
      await page.getByTestId('renewal-notice').waitFor();
      expect(await page.getByTestId('renewal-notice').textContent()).toContain('Renouvellement de la transmission en cours sur Résidence du Tripode');
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'renewal-wizard-1366.png') });
      // Pre-filled: the motive is chosen; the justification must be given again.
      expect(await page.getByRole('radio', { name: 'Dégradations' }).isChecked()).toBe(true);
      await page.getByLabel('Précisions / Justification').fill('Les dégradations continuent, surveillance prolongée.');
      await page.getByRole('button', { name: 'Suivant' }).click();
      expect(await page.getByRole('radio', { name: /Police municipale/ }).isChecked()).toBe(true);
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('button', { name: 'Valider la demande' }).click();
      await page.getByRole('heading', { name: "Mur d'images" }).waitFor();
      await page.waitForFunction((id) => document.querySelector('.wall [data-testid=tile]')?.getAttribute('data-grant') !== id, old!.id, { timeout: 10000 });
      const grants = await page.evaluate(() => window.csu.grants.list());
      const renewed = grants.find((g) => g.renews === old!.id)!;
      expect(renewed).toBeDefined();
      // The same element, now on the new grant, still live; frames never stopped for a second.
      expect(await handle!.evaluate((el) => [el.isConnected, el.getAttribute('data-grant'), el.getAttribute('data-state')])).toEqual([true, renewed.id, 'live']);
      // Watch the renewed tile for a while — twenty new decoded frames — before reading the longest gap.
      const framesNow = await handle!.evaluate((el) => (el.querySelector('video') as HTMLVideoElement | null)?.getVideoPlaybackQuality().totalVideoFrames ?? 0);
      await handle!.evaluate((el, n) => new Promise<void>((resolve) => {
        const tick = () => (((el.querySelector('video') as HTMLVideoElement | null)?.getVideoPlaybackQuality().totalVideoFrames ?? 0) > n + 20 ? resolve() : setTimeout(tick, 50));
        tick();
      }), framesNow);
      const gap = await page.evaluate(() => {
        const w = window as unknown as { __gap: number; __watch: boolean };
        w.__watch = false;
        return w.__gap;
      });
      expect(gap).toBeLessThan(1000);
      // Without reconnecting: main carried the page's tokens over to the renewal, so no socket on a
      // new token (a socket on an old one would be a tile's own recovery, which a loaded machine may cause).
      const oldUrls = new Set(streamSockets.slice(0, socketsBefore));
      expect(streamSockets.slice(socketsBefore).filter((u) => !oldUrls.has(u))).toEqual([]);
      expect(await page.locator('.wall [data-testid=tile]').count()).toBe(2);
      // Its warning went with it: no banner says the transmission ends in 9 minutes any more.
      expect(await page.getByTestId('banner').count()).toBe(0);
      // « Transmissions en cours »: the old grant runs out its minutes, says it was renewed, and offers no second renewal.
      await page.getByRole('navigation').getByRole('button', { name: /Transmissions en cours/ }).click();
      const oldItem = page.locator('[data-testid=active-grant]', { has: page.getByTestId('active-renewed') });
      await oldItem.waitFor();
      expect(await oldItem.getByTestId('active-renewed').textContent()).toMatch(/^Renouvelée : les images continuent au titre de la nouvelle transmission, jusqu'à (?:demain\s)?\d\d\sh\s\d\d\.$/);
      expect(await oldItem.getByRole('button', { name: 'Renouveler' }).count()).toBe(0);
      expect(await page.getByTestId('active-renewed').count()).toBe(1);
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'active-renewed-1366.png') });
      await page.getByRole('navigation').getByRole('button', { name: "Mur d'images" }).click();
      // The old grant's end changes nothing on the wall.
      const t2 = (await testHook(app, 'clock?advance=0')) as { now: number };
      await testHook(app, `clock?advance=${old!.endsAt + 1000 - t2.now}`);
      // Main has ended the old grant (it is gone from its list): only then can the wall be judged.
      await page.waitForFunction((id) => window.csu.grants.list().then((gs) => !gs.some((g) => g.id === id)), old!.id, { timeout: 10000 });
      expect(await page.locator('.wall-ended').count()).toBe(0);
      expect(await page.locator('.wall [data-testid=tile][data-state=live]').count()).toBe(2);
      // The registry shows the two transmissions, linked.
      await page.getByRole('navigation').getByRole('button', { name: 'Registre' }).click();
      await page.locator('[data-testid=registry-row]').nth(1).waitFor();
      expect(await page.locator('[data-testid=registry-row]').count()).toBe(2);
      expect(await page.getByTestId('registry-renews').textContent()).toMatch(/renouvelle la transmission de \d\d\sh\s\d\d/);
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'registry-renewal-1366.png') });
      const db = await openDatabase(path.join(tmp.dir, 'console.sqlite'));
      try {
        const accepted = (await db('journal').where({ kind: 'request.accepted' })).map((r: { payload: string }) => JSON.parse(r.payload) as { grantId: string; renews?: string });
        expect(accepted.find((p) => p.grantId === renewed.id)?.renews).toBe(old!.id);
      } finally {
        await db.destroy();
      }
    } finally {
      await page.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 120000);

  test('a camera already transmitted to the same service: the cameras step and the summary say so, « Valider » stays disabled until it is removed in one click; another service is allowed; main refuses the duplicate itself', async () => {
    const tmp = tmpDir();
    const app = await spawnHeadless(tmp.dir, ['--test-hooks']);
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      await page.goto(app.url);
      await login(page);
      await requestCameras(page, ["Hall — 1 rue de l'Arcade", 'Parking niveau -1']);
      await page.getByRole('navigation').getByRole('button', { name: 'Nouvelle demande' }).click();
      await page.getByRole('radio', { name: /Résidence du Tripode/ }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('checkbox', { name: "Hall — 1 rue de l'Arcade" }).check();
      await page.getByRole('checkbox', { name: 'Sous-sol — caves' }).check();
      await page.getByTestId('overlaps').waitFor();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('radio', { name: 'Vols' }).check();
      await page.getByLabel('Précisions / Justification').fill('Vol de vélos signalé au sous-sol par le gardien.');
      await page.getByRole('button', { name: 'Suivant' }).click();
      // The service step says which service already receives which camera from this console.
      const hints = page.getByTestId('service-duplicate');
      await hints.first().waitFor();
      expect(await hints.allTextContents()).toEqual([" — reçoit déjà Hall — 1 rue de l'Arcade depuis ce poste"]);
      expect(await page.locator('label.choice', { has: hints }).textContent()).toContain('Police municipale');
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'wizard-duplicate-service.png') });
      await page.getByRole('radio', { name: /Police municipale/ }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      // The summary repeats it, as an alert, and the request cannot be sent.
      const dup = page.getByTestId('overlap-duplicate');
      await dup.waitFor();
      expect(await dup.textContent()).toMatch(/^Hall — 1 rue de l'Arcade : déjà transmise sur ce poste jusqu'à (?:demain\s)?\d\d\sh\s\d\d au titre de «\sdégradations\s» \(Police municipale de Charenton-le-Pont — CSU\)\. Même service réceptionnaire : une seconde transmission de cette caméra n'est pas possible\./);
      const submit = page.getByRole('button', { name: 'Valider la demande' });
      expect(await submit.isDisabled()).toBe(true);
      expect(await page.getByTestId('submit-blocked').textContent()).toContain('Validation impossible');
      if (SHOTS) {
        // The wizard scrolls inside the page at 1366×768: show its end, the blocked button.
        await submit.scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(SHOTS, 'wizard-duplicate-summary-1366.png') });
        await page.setViewportSize({ width: 1920, height: 1080 });
        await page.screenshot({ path: path.join(SHOTS, 'wizard-duplicate-summary-1920.png') });
      }
      // Back at the cameras step, the service now known: the same alert, with the one-click removal.
      await page.getByRole('button', { name: 'Précédent' }).click();
      await page.getByRole('button', { name: 'Précédent' }).click();
      await page.getByRole('button', { name: 'Précédent' }).click();
      await page.getByTestId('overlap-duplicate').waitFor();
      expect(await page.getByRole('button', { name: 'Retirer les caméras déjà transmises' }).count()).toBe(1);
      if (SHOTS) {
        await page.screenshot({ path: path.join(SHOTS, 'wizard-duplicate-cameras-1920.png') });
        await page.setViewportSize({ width: 1366, height: 768 });
        await page.getByRole('button', { name: 'Retirer les caméras déjà transmises' }).scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(SHOTS, 'wizard-duplicate-cameras-1366.png') });
      }
      // To the commissariat it is a separate transmission: named, not blocking.
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('radio', { name: /Commissariat/ }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByTestId('overlap-other').waitFor();
      expect(await page.getByTestId('overlap-other').textContent()).toContain('Votre demande va à un autre service réceptionnaire : c\'est une transmission distincte.');
      expect(await page.getByTestId('overlap-duplicate').count()).toBe(0);
      expect(await submit.isDisabled()).toBe(false);
      // Back to the police municipale, and the one click at the summary: only the sous-sol is left.
      await page.getByRole('button', { name: 'Précédent' }).click();
      await page.getByRole('radio', { name: /Police municipale/ }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      expect(await submit.isDisabled()).toBe(true);
      await page.getByRole('button', { name: 'Retirer les caméras déjà transmises' }).click();
      expect(await page.getByTestId('overlaps').count()).toBe(0);
      expect(await page.getByTestId('submit-blocked').count()).toBe(0);
      expect(await page.locator('.summary dd').nth(1).textContent()).toBe('Sous-sol — caves');
      await submit.click();
      await page.getByRole('heading', { name: "Mur d'images" }).waitFor();
      const grants = await page.evaluate(() => window.csu.grants.list());
      expect(grants.map((g) => g.cameras.map((c) => c.id).join(',')).sort()).toEqual(['tripode-hall-arcade,tripode-parking-n1', 'tripode-sous-sol']);
      await page.waitForFunction(() => document.querySelectorAll('.wall [data-testid=tile]').length === 3, null, { timeout: 10000 });
      // The renderer is not the boundary: the same request sent straight to main is refused, and journaled.
      const direct = await page.evaluate(() => window.csu.grants.request({ siteId: 'tripode', cameraIds: ['tripode-hall-arcade'], motive: 'vols', justification: 'Vol de vélos signalé au sous-sol.', durationMin: 120, serviceId: 'pm-charenton' }));
      expect(direct).toEqual({ accepted: false, reasons: ['CAMERA_ALREADY_TRANSMITTED'] });
      expect((await page.evaluate(() => window.csu.grants.list())).length).toBe(2);
    } finally {
      await page.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 120000);
});
