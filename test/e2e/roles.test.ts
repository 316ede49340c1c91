import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { spawnHeadless } from '../helpers/headless';
import { repoRoot, tmpDir } from '../helpers/tmp';

/** The three roles on screen (issue G4), in real Chromium against the headless shell on the demo site. */
const shots = path.join(repoRoot, 'test-results');

async function login(page: Page, matricule: string, password: string) {
  await page.getByLabel('Matricule').fill(matricule);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
}
async function logout(page: Page) {
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('button', { name: 'Se connecter' }).waitFor();
}
const nav = (page: Page, name: string | RegExp) => page.getByRole('navigation').getByRole('button', { name });

async function request(page: Page, camera: string) {
  await nav(page, 'Nouvelle demande').click();
  await page.getByRole('radio', { name: /Résidence du Tripode/ }).check();
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByRole('checkbox', { name: camera }).check();
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByRole('radio', { name: 'vols', exact: true }).check();
  await page.getByLabel('Précisions / Justification').fill('Vol de vélos signalé au parking par un locataire.');
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByRole('radio', { name: /Police municipale/ }).check();
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByRole('button', { name: 'Valider la demande' }).click();
  await page.locator('[data-testid=tile]').first().waitFor();
}

describe('roles on screen', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
  }, 30000);
  afterAll(() => browser?.close());

  test('non-designated operator told at the first step; supervisor sees all, takes over and stops; refused calls shown in French', async () => {
    const tmp = tmpDir();
    const app = await spawnHeadless(tmp.dir);
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      await page.goto(app.url);
      // A failed login, for the supervisor's event list.
      await page.getByLabel('Matricule').fill('OP102');
      await page.getByLabel('Mot de passe').fill('pas-le-bon');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByText('Matricule ou mot de passe incorrect.').waitFor();

      await login(page, 'OP102', 'demo-non-designe');
      await nav(page, 'Nouvelle demande').click();
      await page.getByTestId('not-designated').waitFor();
      expect(await page.getByTestId('not-designated').textContent()).toContain("n'est pas désigné");
      expect(await page.getByRole('button', { name: 'Suivant' }).count()).toBe(0);
      await page.screenshot({ path: path.join(shots, 'roles-non-designe.png') });
      await logout(page);

      await login(page, 'OP101', 'demo-operateur');
      await request(page, 'Parking niveau -1');
      await request(page, 'Hall — 7 quai de Bercy');
      await nav(page, 'Registre').click();
      await page.getByTestId('registry-scope').getByText('Vos transmissions').waitFor();
      expect(await page.locator('[data-testid=registry-event]').count()).toBe(0);
      await logout(page);

      await login(page, 'SUP201', 'demo-superviseur');
      await nav(page, /Transmissions en cours/).click();
      const parking = page.locator('[data-testid=active-grant]', { hasText: 'Parking niveau -1' });
      const hall = page.locator('[data-testid=active-grant]', { hasText: 'Hall — 7 quai de Bercy' });
      await parking.getByText('Demandée par OP101').waitFor();
      await page.screenshot({ path: path.join(shots, 'roles-superviseur-en-cours.png') });
      // Shift change: the supervisor takes the parking over (its tile opens on this wall).
      await parking.getByRole('button', { name: 'Reprendre la transmission' }).click();
      await page.locator('[data-testid=tile]').first().waitFor();
      await nav(page, /Transmissions en cours/).click();
      await parking.getByText(/tenue par SUP201/).waitFor();
      // The hall stays OP101's: the supervisor stops it as a supervisor.
      await hall.getByRole('button', { name: 'Interrompre' }).click();
      await page.getByRole('button', { name: 'Oui, interrompre' }).click();
      await hall.waitFor({ state: 'detached' });

      await nav(page, 'Registre').click();
      await page.getByTestId('registry-scope').getByText('Toutes les transmissions').waitFor();
      await page.locator('[data-testid=registry-row]').getByText('Interrompue par le superviseur').waitFor();
      const kinds = await page.locator('[data-testid=registry-event]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
      expect(kinds).toEqual(expect.arrayContaining(['session.login_failed', 'session.opened', 'grant.taken_over', 'transmission.ended']));
      const eventsText = (await page.locator('.registry-events').textContent()) ?? '';
      expect(eventsText).toContain('Échec de connexion');
      expect(eventsText).toContain('OP102 : mot de passe erroné');
      expect(eventsText).toContain('de OP101 à SUP201');
      await page.screenshot({ path: path.join(shots, 'roles-superviseur-registre.png'), fullPage: true });

      // A second window of the same console: there, the administrateur logs in. The first window,
      // still showing the supervisor's screen, is now refused by main, and says so in French.
      await nav(page, 'Nouvelle demande').click();
      await page.getByRole('radio', { name: /Résidence du Tripode/ }).waitFor();
      const other = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await other.goto(app.url);
      await other.getByRole('button', { name: 'Se déconnecter' }).click();
      await login(other, 'ADM301', 'demo-administrateur');
      expect(await other.getByRole('navigation', { name: 'Navigation principale' }).getByRole('button').allTextContents()).toEqual(['Administration', 'Registre', 'Rapports', "Revue d'incident", 'À propos']);
      await other.close();
      await page.getByRole('radio', { name: /Résidence du Tripode/ }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('checkbox', { name: 'Sous-sol — caves' }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('radio', { name: 'vols', exact: true }).check();
      await page.getByLabel('Précisions / Justification').fill('Vol signalé dans les caves par le gardien.');
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('radio', { name: /Police municipale/ }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('button', { name: 'Valider la demande' }).click();
      await page.getByText('Opération non autorisée pour votre rôle : connectez-vous avec un compte habilité.').waitFor();
      await page.screenshot({ path: path.join(shots, 'roles-forbidden.png') });
    } finally {
      await page.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 120000);
});
