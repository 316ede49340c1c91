import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { spawnHeadless, type RunningHeadless } from '../helpers/headless';
import { repoRoot, tmpDir } from '../helpers/tmp';

const pkg = require('../../package.json') as { version: string };

describe('the French shell in Chromium (headless shell)', () => {
  const tmp = tmpDir();
  let app: RunningHeadless;
  let browser: Browser;

  beforeAll(async () => {
    app = await spawnHeadless(tmp.dir);
    browser = await launchChromium();
  }, 30000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    tmp.cleanup();
  });

  test('opens with the French header and navigation; À propos shows app.info()', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(app.url);

    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Console CSU');
    // No screen but the login one without a session.
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    expect(await page.getByRole('navigation').count()).toBe(0);
    await page.getByLabel('Matricule').fill('OP101');
    await page.getByLabel('Mot de passe').fill('demo-operateur');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    for (const label of ["Mur d'images", 'Nouvelle demande', 'Transmissions en cours', 'Registre', 'À propos']) {
      await nav.getByRole('button', { name: label, exact: true }).waitFor();
    }
    // An opérateur neither reviews incidents, nor prints reports, nor administers.
    for (const label of ["Revue d'incident", 'Rapports', 'Administration']) expect(await nav.getByRole('button', { name: label, exact: true }).count()).toBe(0);
    // The demo mirrors to its embedded central server.
    await page.getByTestId('mirror-status').getByText('Serveur central : à jour').waitFor({ timeout: 15000 });
    // The token left the address bar once read.
    expect(page.url()).not.toContain('token');

    await nav.getByRole('button', { name: 'À propos' }).click();
    await page.getByTestId('about-version').waitFor();
    expect(await page.getByTestId('about-version').textContent()).toBe(pkg.version);
    expect(await page.locator('.facts').textContent()).toContain('Démonstration');

    mkdirSync(path.join(repoRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'shell-about.png') });

    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 30000);

  test('the page is served with the strict CSP and the API refuses a page without the token', async () => {
    const res = await fetch(app.origin + '/');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(app.origin + '/');
    await page.getByRole('alert').first().waitFor();
    expect(await page.getByRole('alert').first().textContent()).toMatch(/ne répond pas/);
    await context.close();
  }, 30000);
});
