import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { spawnHeadless, type RunningHeadless } from '../helpers/headless';
import { repoRoot, tmpDir } from '../helpers/tmp';

/** The operator's whole path in real Chromium against the headless shell on the demo site. */
const shots = path.join(repoRoot, 'test-results');
const MIN = 60000;

async function advanceClock(app: RunningHeadless, ms: number): Promise<number> {
  const r = await fetch(`${app.origin}/__test/clock?advance=${Math.max(0, Math.round(ms))}`, { method: 'POST', headers: { 'x-csu-token': app.token } });
  if (!r.ok) throw new Error(`clock hook: ${r.status}`);
  return ((await r.json()) as { now: number }).now;
}

async function login(page: Page, matricule = 'OP101', password = 'demo-operateur') {
  await page.getByLabel('Matricule').fill(matricule);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

async function request(page: Page, cameras: string[], shot = false) {
  const nav = page.getByRole('navigation');
  await nav.getByRole('button', { name: 'Nouvelle demande' }).click();
  await page.getByRole('radio', { name: /Résidence du Tripode/ }).check();
  if (shot) await page.screenshot({ path: path.join(shots, 'wizard-1-residence.png') });
  await page.getByRole('button', { name: 'Suivant' }).click();
  for (const c of cameras) await page.getByRole('checkbox', { name: c }).check();
  if (shot) await page.screenshot({ path: path.join(shots, 'wizard-2-cameras.png') });
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByRole('radio', { name: 'Dégradations' }).check();
  await page.getByLabel('Précisions / Justification').fill('Tags et vitre brisée signalés par le gardien.');
  if (shot) await page.screenshot({ path: path.join(shots, 'wizard-3-motif.png') });
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByRole('radio', { name: /Police municipale/ }).check();
  if (shot) await page.screenshot({ path: path.join(shots, 'wizard-4-duree-service.png') });
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByText('Rappel : les images').waitFor();
  if (shot) await page.screenshot({ path: path.join(shots, 'wizard-5-recapitulatif.png') });
  await page.getByRole('button', { name: 'Valider la demande' }).dblclick();
}

const frames = (page: Page) => page.$$eval('[data-testid=tile] video', (vs) => vs.map((v) => (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames));

describe('console screens in Chromium (demo site)', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
  }, 30000);
  afterAll(() => browser?.close());

  test('login → wizard → four live tiles → 10- and 1-minute banners → ended within a second → registry row', async () => {
    const tmp = tmpDir();
    const app = await spawnHeadless(tmp.dir, ['--test-hooks']);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const sockets: { url: string; closed: boolean }[] = [];
    page.on('websocket', (ws) => {
      if (!ws.url().includes('/stream/')) return;
      const s = { url: ws.url(), closed: false };
      sockets.push(s);
      ws.on('close', () => (s.closed = true));
    });
    try {
      await page.goto(app.url);
      await login(page);
      const cams = ["Hall — 1 rue de l'Arcade", 'Hall — 7 quai de Bercy', 'Hall — 8 rue du Port au Lion', 'Parking niveau -1'];
      await request(page, cams, true);

      await page.locator('[data-testid=tile]').nth(3).waitFor();
      expect(await page.locator('[data-testid=tile]').count()).toBe(4);
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=tile] video')].every((v) => (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames > 0), null, { timeout: 30000 });
      // Every tile keeps decoding: each one's frame count moves on from where it was.
      const f0 = await frames(page);
      await page.waitForFunction((before) => [...document.querySelectorAll('[data-testid=tile] video')].every((v, i) => (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames > before[i]!), f0, { timeout: 30000 });
      const f1 = await frames(page);
      f1.forEach((n, i) => expect(n).toBeGreaterThan(f0[i]!));
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=tile]')].every((t) => t.getAttribute('data-state') === 'live'), null, { timeout: 20000 });
      expect(await page.locator('[data-testid=tile]').first().textContent()).toMatch(/reste 2 h|reste 1 h 59/);
      expect(await page.locator('.watermark').first().textContent()).toMatch(/^OP101 · \d\d:\d\d:\d\d$/);
      await page.screenshot({ path: path.join(shots, 'wall-4-live.png') });
      expect(sockets.length).toBe(4);

      const [grant] = await page.evaluate(() => window.csu.grants.list());
      let now = await advanceClock(app, 0);
      now = await advanceClock(app, grant!.endsAt - 10 * MIN + 1000 - now);
      await page.getByText(/se termine dans 10\smin \(à (?:demain\s)?\d\d\sh\s\d\d\)/).waitFor({ timeout: 5000 });
      now = await advanceClock(app, grant!.endsAt - 5 * MIN + 1000 - now);
      await page.getByText(/se termine dans 5\smin/).waitFor({ timeout: 5000 });
      now = await advanceClock(app, grant!.endsAt - MIN + 1000 - now);
      await page.getByText(/se termine dans 1\smin \(/).waitFor({ timeout: 5000 });
      // One banner for the grant (the 1-minute one replaced the others), naming the site and its cameras,
      // and it agrees with the tiles' countdown.
      expect(await page.getByTestId('banner').count()).toBe(1);
      expect(await page.getByTestId('banner').textContent()).toContain("Résidence du Tripode (Hall — 1 rue de l'Arcade, Hall — 7 quai de Bercy, Hall — 8 rue du Port au Lion et 1 autre), pour Police municipale");
      expect(await page.locator('[data-testid=tile]').first().textContent()).toContain('reste 1 min');
      await page.screenshot({ path: path.join(shots, 'wall-banners.png') });

      await advanceClock(app, grant!.endsAt - 1500 - now);
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=tile]')].every((t) => t.getAttribute('data-state') === 'ended_expired'), null, { timeout: 5000 });
      // Ended by main's own timers at the end, not before (how soon after is the ui bench's end_on_screen_ms).
      const seenAt = await page.evaluate(() => window.csu.app.clock());
      expect(seenAt.now).toBeGreaterThanOrEqual(grant!.endsAt);
      expect(await page.locator('[data-testid=tile]').first().textContent()).toContain('Transmission terminée — durée écoulée');
      expect(await page.locator('[data-testid=tile] video').count()).toBe(0);
      await page.waitForFunction(() => true);
      expect(sockets.every((s) => s.closed)).toBe(true);
      await page.screenshot({ path: path.join(shots, 'wall-ended.png') });
      // The end is information: named, then gone by itself after 10 s.
      expect(await page.getByTestId('banner').textContent()).toMatch(/^Résidence du Tripode \(.*\), pour Police municipale [^:]* : Transmission terminée \(durée écoulée\)\./);
      await page.getByTestId('banner').waitFor({ state: 'detached', timeout: 15000 });

      await page.getByRole('navigation').getByRole('button', { name: 'Registre' }).click();
      const row = page.locator('[data-testid=registry-row]').first();
      await row.waitFor();
      const text = (await row.textContent()) ?? '';
      const day = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(grant!.startsAt);
      expect(text).toContain(day);
      expect(text).toMatch(/\d\d h \d\d/);
      expect(text).toContain('2 h');
      expect(text).toContain('Police municipale de Charenton-le-Pont — CSU');
      expect(text).toContain('dégradations');
      expect(text).toContain('Durée écoulée');
      // Chromium's own widgets speak French too (the period filter's date fields read « jj/mm/aaaa »).
      expect(await page.evaluate(() => navigator.language)).toBe('fr-FR');
      await page.screenshot({ path: path.join(shots, 'registry.png') });
    } finally {
      await page.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 120000);

  test('early stop from « Transmissions en cours »', async () => {
    const tmp = tmpDir();
    const app = await spawnHeadless(tmp.dir, ['--test-hooks']);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(app.url);
      await login(page);
      await request(page, ['Sous-sol — caves']);
      await page.locator('[data-testid=tile][data-state=live]').waitFor({ timeout: 30000 });
      await page.getByRole('navigation').getByRole('button', { name: /Transmissions en cours/ }).click();
      await page.getByRole('button', { name: 'Interrompre' }).click();
      await page.getByRole('button', { name: 'Oui, interrompre' }).click();
      await page.getByText('Aucune transmission en cours.').waitFor();
      await page.getByRole('navigation').getByRole('button', { name: "Mur d'images" }).click();
      await page.locator('[data-testid=tile][data-state=ended_stopped]').waitFor({ timeout: 3000 });
      expect(await page.locator('[data-testid=tile]').textContent()).toContain("Transmission interrompue par l'opérateur");
    } finally {
      await page.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 90000);

  test('bad input: no camera, no motive, short justification, wrong password and lockout — French messages, nothing opened', async () => {
    const tmp = tmpDir();
    const app = await spawnHeadless(tmp.dir, ['--test-hooks']);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(app.url);
      for (let i = 0; i < 4; i++) {
        await login(page, 'OP101', 'mauvais');
        await page.getByText('Matricule ou mot de passe incorrect.').waitFor();
      }
      await login(page, 'OP101', 'mauvais');
      await page.getByText(/Compte verrouillé après 5 échecs/).waitFor();
      await login(page, 'OP101', 'demo-operateur');
      await page.getByText(/Compte verrouillé après 5 échecs/).waitFor();
      expect(await page.getByRole('navigation').count()).toBe(0);

      await login(page, 'SUP201', 'demo-superviseur');
      await page.getByRole('navigation').getByRole('button', { name: 'Nouvelle demande' }).click();
      await page.getByRole('radio', { name: /Résidence du Tripode/ }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByText('Choisissez au moins une caméra.').waitFor();
      await page.getByRole('checkbox', { name: 'Parking niveau -2' }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByLabel('Précisions / Justification').fill('court');
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByText('Choisissez un motif.').waitFor();
      await page.getByText('Précisez la demande (10 caractères au moins).').waitFor();
      await page.screenshot({ path: path.join(shots, 'wizard-errors.png') });
      expect(await page.getByRole('radio', { name: 'Dégradations' }).isVisible()).toBe(true);
      expect(await page.evaluate(() => window.csu.grants.list())).toEqual([]);
      expect(await page.evaluate(() => window.csu.registry.list({}))).toEqual([]);
    } finally {
      await page.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 90000);
});
