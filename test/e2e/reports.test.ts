import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { spawnHeadless } from '../helpers/headless';
import { tmpDir } from '../helpers/tmp';

/** « Rapports » on screen (issue G1): real Chromium, the headless shell on the demo site. */
const shots = '/work/shots-g1';

async function login(page: Page, matricule: string, password: string) {
  await page.getByLabel('Matricule').fill(matricule);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
}
const nav = (page: Page, name: string | RegExp) => page.getByRole('navigation').getByRole('button', { name });

describe('reports on screen', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
  }, 30000);
  afterAll(() => browser?.close());

  test('a supervisor previews, exports CSV and PDF through one-time links; bad dates get French words; an operator has no « Rapports »', async () => {
    const tmp = tmpDir();
    const app = await spawnHeadless(tmp.dir);
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    const page = await ctx.newPage();
    try {
      await page.goto(app.url);
      await login(page, 'SUP201', 'demo-superviseur');
      await nav(page, 'Registre').click();
      await page.getByTestId('registry-verification').getByText(/Registre vérifié/).waitFor();
      await nav(page, 'Rapports').click();
      await page.getByRole('heading', { name: 'Rapport du registre' }).waitFor();
      await page.getByTestId('report-preview').waitFor();
      await page.getByTestId('report-verification').getByText(/Registre vérifié/).waitFor();
      await page.screenshot({ path: path.join(shots, 'reports-1366.png') });
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.screenshot({ path: path.join(shots, 'reports-1920.png') });

      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporter en CSV' }).click()]);
      expect(csv.suggestedFilename()).toMatch(/^rapport-registre_.*\.csv$/);
      const csvPath = path.join(tmp.dir, 'r.csv');
      await csv.saveAs(csvPath);
      const raw = readFileSync(csvPath);
      expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(raw.toString('utf8')).toContain('Jour;Heure;Début');
      await page.getByTestId('report-result').getByText(/Rapport généré/).waitFor();
      // The link was for one download only.
      const used = new URL(csv.url());
      expect((await page.request.get(used.toString())).status()).toBe(404);

      const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporter en PDF' }).click()]);
      const pdfPath = path.join(tmp.dir, 'r.pdf');
      await pdf.saveAs(pdfPath);
      expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');

      await page.getByLabel('Période').selectOption('custom');
      await page.getByLabel('Du', { exact: true }).fill('2021-06-30');
      await page.getByLabel('Au', { exact: true }).fill('2021-06-01');
      await page.getByText('Période invalide').waitFor();
      await page.getByLabel('Du', { exact: true }).fill('2019-01-01');
      await page.getByLabel('Au', { exact: true }).fill('2021-06-01');
      await page.getByText('Période trop longue').waitFor();
      await page.screenshot({ path: path.join(shots, 'reports-error-1920.png') });

      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await login(page, 'OP101', 'demo-operateur');
      expect(await nav(page, 'Rapports').count()).toBe(0);
    } finally {
      await ctx.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 120000);
});
