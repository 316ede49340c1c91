import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { cameraSecretName } from '../../main/admin/camera-secrets';
import { fileSecretStore } from '../../main/secrets';
import { publishCatalogue, setCanPublish } from '../../server/catalogue';
import { issueToken } from '../../server/store';
import { launchChromium } from '../helpers/browser';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { spawnHeadless, type RunningHeadless } from '../helpers/headless';
import { repoRoot, tmpDir } from '../helpers/tmp';

/**
 * A console that follows the central catalogue, on screen (issue G2, several consoles): the real
 * server on PostgreSQL holds version 1 (published by another console); this console, once its
 * first administrateur exists, pulls it and shows where its catalogue comes from; it may not
 * publish; a new central version shows after « Vérifier maintenant ».
 */
const shots = process.env.CSU_SHOTS ?? path.join(repoRoot, 'test-results', 'central-catalogue');
const example = JSON.parse(readFileSync(path.join(repoRoot, 'assets', 'examples', 'catalogue-charenton.json'), 'utf8'));
// 26 November 2026, 14:05 in Paris.
const PUBLISHED_AT = Date.UTC(2026, 10, 26, 13, 5);

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(shots, `${name}-1366x768.png`), fullPage: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: path.join(shots, `${name}-1920x1080.png`), fullPage: true });
  await page.setViewportSize({ width: 1366, height: 768 });
}
/** Clicks « Vérifier maintenant » until the source line says `want` (the follower asks every 500 ms here). */
async function checkUntil(page: Page, want: string): Promise<void> {
  const start = Date.now();
  for (;;) {
    await page.getByTestId('admin-central-catalogue').getByRole('button', { name: 'Vérifier maintenant' }).click();
    await page.waitForTimeout(200);
    const text = (await page.getByTestId('catalogue-source').first().textContent()) ?? '';
    if (text.includes(want)) return;
    if (Date.now() - start > 15000) throw new Error(`source line still « ${text} », expected « ${want} »`);
  }
}
/**
 * On the follower (it may not publish): every catalogue section keeps its list and buttons, the
 * editing ones disabled, under one notice naming the central version; what is this console's own
 * stays usable — a camera's password, an operator's password reset, checking a file.
 */
async function followerControls(page: Page, dataDir: string): Promise<void> {
  const enabled = async (name: string) => page.getByRole('button', { name, exact: true }).first().isEnabled();
  const disabledAll = async (name: string) => {
    const buttons = await page.getByRole('button', { name, exact: true }).all();
    expect(buttons.length).toBeGreaterThan(0);
    for (const b of buttons) expect(await b.isDisabled()).toBe(true);
  };
  // « 14 h 05 » held together by no-break spaces.
  const notice = 'Catalogue géré par le serveur central (version 1 du jeudi 26 novembre 2026, 14\u00a0h\u00a005) : les modifications se font sur le poste qui publie.';
  for (const [name, create] of [['Sites et bailleurs', 'Ajouter une résidence'], ['Services réceptionnaires', 'Ajouter un service'], ['Conventions', 'Ajouter une convention']] as const) {
    await section(page, name).click();
    await page.getByRole('button', { name: create }).waitFor();
    expect(await page.getByTestId('central-locked').textContent()).toContain(notice);
    expect(await enabled(create)).toBe(false);
    await disabledAll('Modifier');
    if (name !== 'Conventions') await disabledAll('Désactiver');
  }
  await section(page, 'Sites et bailleurs').click();
  expect(await enabled('Ajouter un bailleur')).toBe(false);
  await shot(page, '04-suiveur-sites');

  await section(page, 'Caméras').click();
  expect(await page.getByTestId('central-locked').textContent()).toContain('« Mot de passe » les modifie');
  expect(await enabled('Ajouter une caméra')).toBe(false);
  // « Modifier » becomes « Mot de passe »: the one thing of a camera this console edits itself.
  expect(await page.getByRole('button', { name: 'Modifier', exact: true }).count()).toBe(0);
  await disabledAll('Désactiver');
  expect(await enabled('Tester la caméra')).toBe(true);
  const row = page.getByTestId('camera-row').first();
  expect(await row.textContent()).not.toContain('(enregistré)');
  await shot(page, '05-suiveur-cameras');
  await row.getByRole('button', { name: 'Mot de passe', exact: true }).click();
  const form = page.getByRole('form', { name: /^Mot de passe de la caméra / });
  await form.waitFor();
  // The camera's catalogue fields are shown, not editable; the password is.
  expect(await form.getByLabel('Adresse du flux principal', { exact: false }).isDisabled()).toBe(true);
  await form.getByLabel('Mot de passe de la caméra', { exact: true }).fill('cam-secret-follower');
  await shot(page, '06-suiveur-mot-de-passe-camera');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await form.waitFor({ state: 'detached' });
  await row.getByText('•••• (enregistré)').waitFor();
  const cameraId = (await row.getAttribute('data-camera-id')) ?? '';
  expect(fileSecretStore(dataDir).get(cameraSecretName(cameraId))).toBe('cam-secret-follower');

  await section(page, 'Opérateurs').click();
  await page.getByTestId('operator-row').first().waitFor();
  expect(await enabled('Ajouter un opérateur')).toBe(false);
  await disabledAll('Modifier');
  await page.getByTestId('operator-row').filter({ hasNotText: 'ADMB' }).first().getByRole('button', { name: 'Réinitialiser le mot de passe' }).click();
  await page.getByTestId('temporary-password-value').waitFor();
  await shot(page, '07-suiveur-operateurs');

  await section(page, 'Import / export').click();
  expect(await page.getByTestId('central-locked').textContent()).toContain('Vérifier un fichier et exporter');
  expect(await enabled('Appliquer')).toBe(false);
  expect(await enabled('Exporter')).toBe(true);
  await shot(page, '08-suiveur-import');

  await section(page, 'Serveur central').click();
  expect(await page.getByTestId('central-locked').count()).toBe(0);
  expect(await page.getByTestId('admin-central-catalogue').getByRole('button', { name: 'Vérifier maintenant' }).isEnabled()).toBe(true);
}
const section = (page: Page, name: string) => page.getByRole('navigation', { name: "Sections de l'administration" }).getByRole('button', { name, exact: true });

describe('the central catalogue on screen', () => {
  const tmp = tmpDir('csu-central-e2e-');
  let dbInfo: { url: string; drop: () => Promise<void> };
  let central: Central;
  let app: RunningHeadless;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    dbInfo = await freshCentralDb('postgres');
    central = await startCentral(dbInfo.url);
    const token = await issueToken(central.db, 'consoles', 'poste-b', Date.now());
    expect(await publishCatalogue(central.db, example, { console: 'poste-a', operator: 'ADMA' }, PUBLISHED_AT)).toMatchObject({ ok: true, latest: { version: 1 } });
    writeFileSync(path.join(tmp.dir, 'settings.json'), JSON.stringify({ mode: 'production', consoleId: 'poste-b', mirror: { serverUrl: central.url, cataloguePollMs: 500 } }));
    fileSecretStore(tmp.dir).set('mirror-token', token);
    [app, browser] = await Promise.all([spawnHeadless(tmp.dir), launchChromium()]);
  }, 40000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await central?.stop();
    await central?.db.destroy();
    await dbInfo?.drop();
    tmp.cleanup();
  });

  test('first administrateur → the central version applied and shown with its source → publication refused in French → version 2 after a check', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(app.url);
    // The central catalogue waits for this console's own first administrateur.
    await page.getByRole('heading', { name: 'Créer le premier administrateur' }).waitFor();
    await page.getByLabel('Matricule').fill('ADMB');
    await page.getByLabel('Nom et prénom').fill('Bruno Lefort');
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('correct cheval batterie');
    await page.getByLabel('Confirmez le nouveau mot de passe').fill('correct cheval batterie');
    await page.getByRole('button', { name: "Créer l'administrateur" }).click();
    await page.getByRole('heading', { name: 'Administration' }).waitFor();

    await section(page, 'Serveur central').click();
    const part = page.getByTestId('admin-central-catalogue');
    await part.waitFor();
    // The next minute's pull (500 ms here) applies version 1; « Vérifier maintenant » reads it back.
    await checkUntil(page, 'Source : serveur central, version 1 du jeudi 26 novembre 2026, 14 h 05');
    expect(await page.getByTestId('catalogue-source').first().textContent()).toMatch(/Dernière vérification : .+ h /);
    expect(await page.getByTestId('catalogue-version').textContent()).toMatch(/^Révision locale : \d+$/);
    expect(await page.getByTestId('central-follower').textContent()).toContain('Ce poste suit le catalogue du serveur central');

    await part.getByRole('button', { name: 'Publier sur le serveur central' }).click();
    await part.getByTestId('central-error').getByText('Le serveur central refuse la publication depuis ce poste').waitFor();
    await shot(page, '01-serveur-central-suivi');

    // The catalogue came down; the cameras' passwords did not (they never go up).
    await section(page, 'Sites et bailleurs').click();
    await page.getByText('Résidence du Tripode').first().waitFor();
    await section(page, 'Caméras').click();
    expect(await page.getByTestId('camera-no-password').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('camera-no-password').first().textContent()).toContain('aucun mot de passe sur ce poste');
    await shot(page, '02-cameras-sans-mot-de-passe');
    await followerControls(page, tmp.dir);

    const renamed = structuredClone(example);
    renamed.sites[0].name = 'Résidence du Tripode (rénovée)';
    expect(await publishCatalogue(central.db, renamed, { console: 'poste-a', operator: 'ADMA' }, PUBLISHED_AT + 3600_000)).toMatchObject({ ok: true, latest: { version: 2 } });
    await section(page, 'Serveur central').click();
    await checkUntil(page, 'version 2 du jeudi 26 novembre 2026, 15 h 05');
    await section(page, 'Sites et bailleurs').click();
    await page.getByText('Résidence du Tripode (rénovée)').first().waitFor();
    expect(pageErrors).toEqual([]);
  }, 90000);
  test('the publishing console: its administrateur publishes, the new version is shown', async () => {
    const dir = tmpDir('csu-central-e2e-publisher-');
    const token = await issueToken(central.db, 'consoles', 'poste-a', Date.now());
    await setCanPublish(central.db, 'poste-a', true);
    writeFileSync(path.join(dir.dir, 'settings.json'), JSON.stringify({ mode: 'production', consoleId: 'poste-a', mirror: { serverUrl: central.url, cataloguePollMs: 500 } }));
    fileSecretStore(dir.dir).set('mirror-token', token);
    const publisher = await spawnHeadless(dir.dir);
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(publisher.url);
      await page.getByRole('heading', { name: 'Créer le premier administrateur' }).waitFor();
      await page.getByLabel('Matricule').fill('ADMA');
      await page.getByLabel('Nom et prénom').fill('Alice Morel');
      await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('correct cheval batterie');
      await page.getByLabel('Confirmez le nouveau mot de passe').fill('correct cheval batterie');
      await page.getByRole('button', { name: "Créer l'administrateur" }).click();
      await page.getByRole('heading', { name: 'Administration' }).waitFor();
      await section(page, 'Serveur central').click();
      await checkUntil(page, 'version 2 du');
      expect(await page.getByTestId('central-follower').count()).toBe(0);
      await page.getByText('Ce poste est le poste de publication').waitFor();
      // Every catalogue control as on a console without a central server: enabled, no notice.
      for (const [name, create] of [['Sites et bailleurs', 'Ajouter une résidence'], ['Caméras', 'Ajouter une caméra'], ['Opérateurs', 'Ajouter un opérateur']] as const) {
        await section(page, name).click();
        await page.getByRole('button', { name: create }).waitFor();
        expect(await page.getByRole('button', { name: create }).isEnabled()).toBe(true);
        expect(await page.getByRole('button', { name: 'Modifier', exact: true }).first().isEnabled()).toBe(true);
        expect(await page.getByRole('button', { name: 'Mot de passe', exact: true }).count()).toBe(0);
        expect(await page.getByTestId('central-locked').count()).toBe(0);
      }
      await section(page, 'Serveur central').click();
      // Its own administrateur is not in the central catalogue yet: publishing makes version 3.
      await page.getByTestId('admin-central-catalogue').getByRole('button', { name: 'Publier sur le serveur central' }).click();
      await page.getByTestId('central-published').getByText('Catalogue publié : version 3.').waitFor();
      await page.getByTestId('catalogue-source').first().getByText(/version 3 du/).waitFor();
      await shot(page, '03-poste-de-publication');
      expect(await central.db('catalogue_versions').where({ version: 3 }).first('published_by_console', 'published_by_operator')).toEqual({ published_by_console: 'poste-a', published_by_operator: 'ADMA' });
    } finally {
      await publisher.stop();
      dir.cleanup();
    }
  }, 90000);
});
