import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { verifyBundle } from '../../main/review/verify';
import { launchChromium } from '../helpers/browser';
import { login, requestCameras } from '../helpers/console-ui';
import { spawnHeadless } from '../helpers/headless';
import { repoRoot, tmpDir } from '../helpers/tmp';

/** « Revue d'incident » in Chromium (issue G3): a supervisor reviews the day, opens an entry, exports a bundle that verifies. */
const shots = path.join(repoRoot, 'test-results');

describe('incident review on screen', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
  }, 30000);
  afterAll(() => browser?.close());

  test('lanes and bars for the day, an entry behind a tick, an evidence bundle; operators do not see the screen', async () => {
    const tmp = tmpDir();
    const app = await spawnHeadless(tmp.dir);
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      await page.goto(app.url);
      await login(page);
      await requestCameras(page, ['Parking niveau -1', 'Sous-sol — caves']);
      expect(await page.getByRole('navigation').getByRole('button', { name: "Revue d'incident" }).count()).toBe(0);
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await login(page, 'SUP201', 'demo-superviseur');
      await page.getByRole('navigation').getByRole('button', { name: "Revue d'incident" }).click();
      await page.getByRole('button', { name: 'Dernière heure' }).click();
      await page.getByTestId('timeline').waitFor();
      const lanes = await page.locator('[data-testid=timeline-lane]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-camera')));
      expect(lanes).toEqual(expect.arrayContaining(['tripode-parking-n1', 'tripode-sous-sol', '']));
      expect(await page.locator('[data-testid=timeline-lane][data-camera="tripode-parking-n1"] [data-testid=timeline-bar]').count()).toBe(1);
      await page.screenshot({ path: path.join(shots, 'review-1366.png') });
      await page.locator('[data-testid=timeline-lane][data-camera="tripode-parking-n1"] [data-testid=timeline-marker][data-kind="stream.opened"]').first().click();
      const entry = page.getByTestId('journal-entry');
      await entry.waitFor();
      expect(await entry.textContent()).toContain('Flux ouvert');
      expect(await entry.textContent()).toMatch(/[0-9a-f]{64}/);
      await page.screenshot({ path: path.join(shots, 'review-entry-1366.png'), fullPage: true });
      await page.getByRole('button', { name: 'Exporter un lot de preuves' }).click();
      const done = page.getByTestId('evidence-exported');
      await done.waitFor();
      const where = /Emplacement sur ce poste : (\S+\.zip)/.exec((await done.textContent()) ?? '')?.[1];
      expect(where).toBeDefined();
      expect(await verifyBundle(where!)).toMatchObject({ ok: true });
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.screenshot({ path: path.join(shots, 'review-1920.png') });
    } finally {
      await page.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 120000);
});
