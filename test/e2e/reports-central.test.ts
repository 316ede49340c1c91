import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newSigningKey } from '../../db/journal-signature';
import { Mirror } from '../../main/mirror/mirror';
import { fileSecretStore } from '../../main/secrets';
import { openConfSettings } from '../../main/settings/conf-store';
import { addSignedConsole } from '../../server/enrolment';
import { issueToken } from '../../server/store';
import { launchChromium } from '../helpers/browser';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { freshDb, grantEntries } from '../helpers/db';
import { spawnHeadless } from '../helpers/headless';
import { tmpDir } from '../helpers/tmp';
import { waitFor } from '../helpers/ws-client';
import { appendEntries } from '../../db/journal';

/**
 * « Tous les postes du CSU » on screen: the headless console A, configured with a central server
 * on PostgreSQL and a reader token, where console B mirrored its transmissions.
 */
const shots = '/work/shots-central';
const silent = { info() {}, warn() {}, error() {} };

async function login(page: Page, matricule: string, password: string) {
  await page.getByLabel('Matricule').fill(matricule);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
}
const nav = (page: Page, name: string | RegExp) => page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('button', { name });

describe('reports over every console, on screen', () => {
  let browser: Browser;
  let dbInfo: { url: string; drop: () => Promise<void> };
  let central: Central;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
    dbInfo = await freshCentralDb('postgres');
    central = await startCentral(dbInfo.url);
  }, 30000);
  afterAll(async () => {
    await browser?.close();
    await central.stop();
    await central.db.destroy();
    await dbInfo.drop();
  });

  test('a superviseur switches the source to « Tous les postes du CSU », filters by Poste and exports B\'s transmissions', async () => {
    const tmp = tmpDir();
    // Console B mirrors three transmissions of this month.
    const b = await freshDb();
    const bCreds = await addSignedConsole(central.db, 'poste-b', Date.now());
    const start = Date.now() - 3 * 3600000;
    for (let i = 0; i < 3; i++) await appendEntries(b.db, 'poste-b', grantEntries(start + i * 600000, { grantId: `e2e-b-${i}`, siteId: 'bobinet-sellier', motive: 'vols' }));
    const mb = new Mirror({ db: b.db, consoleId: 'poste-b', serverUrl: central.url, token: bCreds.token, signing: { privateKeyPem: newSigningKey().privateKeyPem, enrolmentCode: () => bCreds.code }, clock: { now: () => Date.now() }, log: silent, backoffMinMs: 20, backoffMaxMs: 300, pollMs: 50 });
    mb.start();
    await waitFor(() => mb.current?.state === 'synchronised', 20000, 'B synchronised');
    await mb.stop();
    await b.cleanup();
    // Console A: the server, its own token and enrolment code, and a reader token, as the administrateur stores them.
    const a = await addSignedConsole(central.db, 'poste-a', Date.now());
    openConfSettings(tmp.dir).update({ consoleId: 'poste-a', mirror: { serverUrl: central.url } });
    const secrets = fileSecretStore(tmp.dir);
    secrets.set('mirror-token', a.token);
    secrets.set('mirror-enrolment-code', a.code);
    secrets.set('central-reader-token', await issueToken(central.db, 'readers', 'rapports-e2e', Date.now()));
    const app = await spawnHeadless(tmp.dir);
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    const page = await ctx.newPage();
    try {
      await page.goto(app.url);
      await login(page, 'SUP201', 'demo-superviseur');
      await nav(page, 'Rapports').click();
      await page.getByTestId('report-source-line').getByText(/^Source : registre local du poste poste-a/).waitFor();
      await page.getByTestId('report-preview').getByText(/0 transmission/).waitFor();
      expect(await page.getByRole('combobox', { name: /^Poste/ }).count()).toBe(0);

      await page.getByRole('radio', { name: 'Tous les postes du CSU' }).check();
      await page.getByTestId('report-source-line').getByText(/^Source : registre central \(http:\/\/127\.0\.0\.1:\d+\), lu le .+, 1 poste$/).waitFor();
      await page.getByTestId('report-preview').getByText(/3 transmission/).waitFor();
      await page.getByTestId('report-by-console').getByText('Poste poste-b : 3').waitFor();
      await page.getByRole('combobox', { name: /^Poste/ }).selectOption('poste-b');
      await page.getByTestId('report-preview').getByText(/3 transmission/).waitFor();
      await page.screenshot({ path: path.join(shots, 'reports-central-1366.png') });
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.screenshot({ path: path.join(shots, 'reports-central-1920.png') });

      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporter en CSV' }).click()]);
      expect(csv.suggestedFilename()).toMatch(/^rapport-registre-tous-postes_.*\.csv$/);
      const csvPath = path.join(tmp.dir, 'r.csv');
      await csv.saveAs(csvPath);
      const text = readFileSync(csvPath, 'utf8');
      expect(text.split('\r\n').filter((l) => l.includes(';poste-b;e2e-b-'))).toHaveLength(3);
      await page.getByTestId('report-result').getByText(/^Source : registre central/).waitFor();

      // Back to « Ce poste »: the Poste filter goes, the local registry answers.
      await page.getByRole('radio', { name: 'Ce poste' }).check();
      await page.getByTestId('report-source-line').getByText(/^Source : registre local/).waitFor();
      expect(await page.getByRole('combobox', { name: /^Poste/ }).count()).toBe(0);

      // « Serveur central » as the administrateur sees it: the new fields, and a connection test that passes (enrolled, reader token accepted).
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.setViewportSize({ width: 1366, height: 768 });
      await login(page, 'ADM301', 'demo-administrateur');
      await page.getByRole('navigation', { name: "Sections de l'administration" }).getByRole('button', { name: 'Serveur central', exact: true }).click();
      await page.getByLabel("Code d'enrôlement de ce poste").waitFor();
      await page.getByLabel('Jeton de lecture du registre central').waitFor();
      await page.getByLabel("Fichier de l'autorité de certification (PEM)").waitFor();
      // The console enrols its key with its first batch: the test says « Connexion réussie » only
      // once that is done (on a loaded machine the click could come first and read « non enrôlé »).
      await page.locator('.mirror-synchronised[data-testid=mirror-status]').waitFor({ timeout: 30000 });
      await page.getByRole('button', { name: 'Tester la connexion' }).click();
      await page.getByTestId('mirror-test').getByText(/Connexion réussie/).waitFor();
      await page.getByTestId('mirror-test-reader').getByText('Jeton de lecture du registre central accepté.').waitFor();
      await page.screenshot({ path: path.join(shots, 'serveur-central-1366.png') });
      await page.getByTestId('mirror-test-reader').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(shots, 'serveur-central-test-1366.png') });
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.screenshot({ path: path.join(shots, 'serveur-central-1920.png') });
      await page.getByLabel("Fichier de l'autorité de certification (PEM)").fill('/nonexistent/ca.pem');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByTestId('field-error-caFile').getByText(/fichier illisible \(ENOENT\)/).waitFor();
      await page.screenshot({ path: path.join(shots, 'serveur-central-ca-error-1920.png') });
    } finally {
      await ctx.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 120000);
});
