import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { openApi } from '../helpers/api-client';
import { launchChromium } from '../helpers/browser';
import { spawnHeadless, type RunningHeadless } from '../helpers/headless';
import { tmpDir } from '../helpers/tmp';

/** One byte of a journal payload changed with the sqlite3 CLI: superviseurs see where, opérateurs see no banner. */
describe('the « Registre altéré » banner in Chromium', () => {
  const tmp = tmpDir('csu-banner-');
  let app: RunningHeadless;
  let browser: Browser;
  let seq: number;

  beforeAll(async () => {
    app = await spawnHeadless(tmp.dir);
    const api = await openApi(Number(new URL(app.url).port), app.token);
    await api.call('session.login', { matricule: 'OP101', password: 'demo-operateur' });
    await api.call('session.logout');
    api.ws.close();
    await app.stop();
    const file = path.join(tmp.dir, 'console.sqlite');
    seq = Number(execFileSync('sqlite3', [file, `SELECT seq FROM journal WHERE kind = 'session.opened' ORDER BY seq LIMIT 1`], { encoding: 'utf8' }).trim());
    execFileSync('sqlite3', [file, `DROP TRIGGER journal_no_update; UPDATE journal SET payload = replace(payload, 'OP101', 'OP102') WHERE seq = ${seq}`]);
    app = await spawnHeadless(tmp.dir);
    browser = await launchChromium();
  }, 40000);
  // The console has one session at a time: each test leaves none behind, so neither depends on
  // the other having run (or not) before it.
  afterEach(async () => {
    const api = await openApi(Number(new URL(app.url).port), app.token);
    await api.call('session.logout');
    api.ws.close();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    tmp.cleanup();
  });

  async function loginAs(matricule: string, password: string) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByLabel('Matricule').fill(matricule);
    await page.getByLabel('Mot de passe').fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('navigation').waitFor();
    return { page, context };
  }

  test('a superviseur sees « Registre altéré à l\'entrée n° N »', async () => {
    const { page, context } = await loginAs('SUP201', 'demo-superviseur');
    await page.getByTestId('integrity-banner').waitFor({ timeout: 10000 });
    expect(await page.getByTestId('integrity-banner').textContent()).toBe(`Registre altéré à l'entrée n° ${seq}`);
    // One session per console: the next test's operator logs in after this one leaves.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByLabel('Matricule').waitFor();
    await context.close();
  }, 30000);

  test('an opérateur gets no banner (and may not ask for the status)', async () => {
    const { page, context } = await loginAs('OP101', 'demo-operateur');
    // The banner shows only what integrity.status answers, and an opérateur is refused it.
    const denied = await page.evaluate(() => (window as any).csu.integrity.status().then(() => 'allowed', (e: { code: string }) => e.code));
    expect(denied).toBe('FORBIDDEN');
    expect(await page.getByTestId('integrity-banner').count()).toBe(0);
    await context.close();
  }, 30000);
});
