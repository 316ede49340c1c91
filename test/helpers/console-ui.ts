import type { Page } from 'playwright-core';
import type { RunningHeadless } from './headless';

/** The operator's gestures on the console page, shared by the end-to-end tests. */
export async function login(page: Page, matricule = 'OP101', password = 'demo-operateur'): Promise<void> {
  await page.getByLabel('Matricule').fill(matricule);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

/** A request on the Tripode through the wizard, granted (demo conventions accept it). */
export async function requestCameras(page: Page, cameras: string[] | 'all', site = /Résidence du Tripode/, service = /Police municipale/, recordReason?: string): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name: 'Nouvelle demande' }).click();
  await page.getByRole('radio', { name: site }).check();
  await page.getByRole('button', { name: 'Suivant' }).click();
  if (cameras === 'all') await page.getByRole('button', { name: 'Tout sélectionner' }).click();
  else for (const c of cameras) await page.getByRole('checkbox', { name: c }).check();
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByRole('radio', { name: 'Dégradations' }).check();
  await page.getByLabel('Précisions / Justification').fill('Tags et vitre brisée signalés par le gardien.');
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByRole('radio', { name: service }).check();
  await page.getByRole('button', { name: 'Suivant' }).click();
  await page.getByText('Rappel : les images').waitFor();
  // Recorded: only where the site's convention allows it (the wizard offers the box there only).
  if (recordReason) {
    await page.getByRole('checkbox', { name: 'Enregistrer la transmission' }).check();
    await page.getByLabel("Motif de l'enregistrement").fill(recordReason);
  }
  await page.getByRole('button', { name: 'Valider la demande' }).click();
  await page.getByRole('heading', { name: "Mur d'images" }).waitFor();
}

/** POST to a --test-hooks control of the headless shell. */
export async function testHook(app: RunningHeadless, pathAndQuery: string): Promise<unknown> {
  const r = await fetch(`${app.origin}/__test/${pathAndQuery}`, { method: 'POST', headers: { 'x-csu-token': app.token } });
  if (!r.ok) throw new Error(`test hook ${pathAndQuery}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** Decoded frames of the tile of one camera (its on-screen video). */
export function tileFrames(page: Page, cameraId: string): Promise<number> {
  return page.$eval(`[data-testid=tile][data-camera="${cameraId}"]`, (t) => {
    const v = (t.querySelector('video.on-screen') ?? t.querySelector('video')) as HTMLVideoElement | null;
    return v ? v.getVideoPlaybackQuality().totalVideoFrames : 0;
  });
}

/** Waits until the tile of one camera has decoded five frames more than now (its picture moves). */
export async function framesAdvance(page: Page, cameraId: string, timeout: number): Promise<void> {
  const before = await tileFrames(page, cameraId);
  await page.waitForFunction(
    ([c, n]) => {
      const t = document.querySelector(`[data-testid=tile][data-camera="${c}"]`);
      const v = (t?.querySelector('video.on-screen') ?? t?.querySelector('video')) as HTMLVideoElement | null;
      return !!v && v.getVideoPlaybackQuality().totalVideoFrames > (n as number) + 5;
    },
    [cameraId, before] as const,
    { timeout },
  );
}

/** Records every data-state each tile takes, in order (window.__states). */
export async function recordTileStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __states: { camera: string; state: string; text: string }[] };
    w.__states = [];
    const seen = (el: Element) => w.__states.push({ camera: el.getAttribute('data-camera') ?? '', state: el.getAttribute('data-state') ?? '', text: el.querySelector('.tile-state')?.textContent ?? '' });
    document.querySelectorAll('[data-testid=tile]').forEach(seen);
    new MutationObserver((ms) => ms.forEach((m) => m.target instanceof Element && m.target.matches('[data-testid=tile]') && seen(m.target))).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
}

export function tileStates(page: Page, cameraId: string): Promise<string[]> {
  return page.evaluate((c) => (window as unknown as { __states: { camera: string; state: string }[] }).__states.filter((s) => s.camera === c).map((s) => s.state), cameraId);
}

/** The badge's words when the tile took this state (first time). */
export function tileStateText(page: Page, cameraId: string, state: string): Promise<string | undefined> {
  return page.evaluate(([c, st]) => (window as unknown as { __states: { camera: string; state: string; text: string }[] }).__states.find((s) => s.camera === c && s.state === st)?.text, [cameraId, state] as const);
}
