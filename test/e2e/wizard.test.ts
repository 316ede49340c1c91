import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { openDatabase } from '../../db';
import { listConventions, upsertConvention } from '../../db/catalogue';
import { seedDemo } from '../../db/seeds/demo';
import { launchChromium } from '../helpers/browser';
import { spawnHeadless } from '../helpers/headless';
import { repoRoot, tmpDir } from '../helpers/tmp';

/** The request wizard's dependent choices (issue G4), in real Chromium on a demo catalogue whose Bobinet convention allows 3 h to 6 h only. */
const shots = path.join(repoRoot, 'test-results');

describe('request wizard', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
  }, 30000);
  afterAll(() => browser?.close());

  test('changing site resets what depended on it and says so; the duration starts at what the convention allows; nothing chosen has its own words', async () => {
    const tmp = tmpDir();
    const db = await openDatabase(path.join(tmp.dir, 'console.sqlite'));
    await seedDemo(db, Date.now());
    const bobinet = (await listConventions(db, 'bobinet-sellier'))[0]!;
    await upsertConvention(db, { ...bobinet, minDurationMin: 180, maxDurationMin: 360 });
    await db.destroy();
    const app = await spawnHeadless(tmp.dir);
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      await page.goto(app.url);
      await page.getByLabel('Matricule').fill('OP101');
      await page.getByLabel('Mot de passe').fill('demo-operateur');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('navigation').getByRole('button', { name: 'Nouvelle demande' }).click();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByText('Choisissez une résidence.').waitFor();
      expect(await page.getByText('Résidence inconnue.').count()).toBe(0);

      await page.getByRole('radio', { name: /Résidence du Tripode/ }).check();
      expect(await page.getByTestId('site-changed').count()).toBe(0);
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('checkbox', { name: 'Parking niveau -1' }).check();
      await page.getByRole('button', { name: 'Précédent' }).click();
      await page.getByRole('radio', { name: /Bobinet-Sellier/ }).check();
      await page.getByTestId('site-changed').getByText(/remis à zéro pour Bobinet-Sellier/).waitFor();
      await page.screenshot({ path: path.join(shots, 'wizard-site-changed.png') });
      await page.getByRole('button', { name: 'Suivant' }).click();
      expect(await page.getByRole('checkbox', { checked: true }).count()).toBe(0);
      await page.getByRole('checkbox', { name: 'Hall bâtiment A' }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByText('Choisissez un motif.').waitFor();
      await page.getByRole('radio', { name: 'attroupements' }).check();
      await page.getByLabel('Précisions / Justification').fill('Attroupement signalé dans le hall A par le gardien.');
      await page.getByRole('button', { name: 'Suivant' }).click();
      expect(await page.getByLabel('Durée de transmission (3 h à 6 h selon la convention de la résidence)').inputValue()).toBe('180');
      expect(await page.locator('select option:checked').textContent()).toBe('3 h');
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByText('Choisissez le service réceptionnaire.').waitFor();
      await page.getByRole('radio', { name: /Commissariat/ }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('button', { name: 'Valider la demande' }).click();
      await page.locator('[data-testid=tile]').first().waitFor();
      const [grant] = await page.evaluate(() => window.csu.grants.list());
      expect(grant).toMatchObject({ siteId: 'bobinet-sellier', motive: 'attroupements', serviceId: 'pn-charenton' });
      expect(grant!.endsAt - grant!.startsAt).toBe(180 * 60000);
    } finally {
      await page.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 90000);
});
