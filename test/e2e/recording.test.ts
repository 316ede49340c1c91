import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openDatabase } from '../../db';
import { verifyBundle } from '../../main/review/verify';
import { launchChromium } from '../helpers/browser';
import { login, requestCameras, testHook } from '../helpers/console-ui';
import { spawnHeadless } from '../helpers/headless';
import { RECORDED_CAMERA, seedRecordingSite } from '../helpers/recording-site';
import { startRtspSim, type RtspSim } from '../helpers/rtsp-sim';
import { repoRoot, tmpDir } from '../helpers/tmp';

/**
 * Recording end to end (issue G3), in real Chromium on the headless shell: the wizard offers
 * recording only where the convention allows it; a recorded grant from the GStreamer simulator
 * expires; a superviseur plays it back in the review (frames advance, seeking and ×2 work, the
 * watermark shows who and when); a file removed by hand and a flipped byte are named.
 */
const shots = path.join(repoRoot, 'test-results');
const CAM = RECORDED_CAMERA;

async function frames(page: Page): Promise<number> {
  return page.$eval('[data-testid=recording-video]', (v) => (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames);
}

describe('recording on screen', () => {
  let browser: Browser;
  let sim: RtspSim;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
    sim = await startRtspSim({ cams: 1, keyframeS: 1 });
  }, 30000);
  afterAll(async () => {
    await browser?.close();
    await sim?.stop();
  });

  test('offered where allowed; recorded without a tile; played back with seek and ×2; missing and altered segments named', async () => {
    const tmp = tmpDir();
    await seedRecordingSite(tmp.dir, sim.url('cam1'));
    const app = await spawnHeadless(tmp.dir, ['--test-hooks'], { CSU_TEST_SEGMENT_MS: '2000' });
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      await page.goto(app.url);
      await login(page);
      const nav = page.getByRole('navigation');
      // Bobinet's convention does not allow recording: the wizard never offers it.
      await nav.getByRole('button', { name: 'Nouvelle demande' }).click();
      await page.getByRole('radio', { name: /Bobinet-Sellier/ }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('button', { name: 'Tout sélectionner' }).click();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('radio', { name: 'Dégradations' }).check();
      await page.getByLabel('Précisions / Justification').fill('Tags et vitre brisée signalés par le gardien.');
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('radio', { name: /Police municipale/ }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByText('Rappel : les images').waitFor();
      expect(await page.getByText('Enregistrer la transmission').count()).toBe(0);

      // The Tripode's does: off by default, a reason required.
      await page.getByRole('button', { name: 'Précédent' }).click();
      await page.getByRole('button', { name: 'Précédent' }).click();
      await page.getByRole('button', { name: 'Précédent' }).click();
      await page.getByRole('button', { name: 'Précédent' }).click();
      await page.getByRole('radio', { name: /Résidence du Tripode/ }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('checkbox', { name: "Hall — 1 rue de l'Arcade" }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('radio', { name: 'Dégradations' }).check();
      await page.getByLabel('Précisions / Justification').fill('Tags et vitre brisée signalés par le gardien.');
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('radio', { name: /Police municipale/ }).check();
      await page.getByRole('button', { name: 'Suivant' }).click();
      const box = page.getByRole('checkbox', { name: 'Enregistrer la transmission' });
      expect(await box.isChecked()).toBe(false);
      await box.check();
      await page.screenshot({ path: path.join(shots, 'wizard-record-1366.png'), fullPage: true });
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.screenshot({ path: path.join(shots, 'wizard-record-1920.png') });
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.getByRole('button', { name: 'Valider la demande' }).click();
      await page.getByText(/Indiquez pourquoi la transmission doit être enregistrée/).waitFor();
      await page.getByLabel("Motif de l'enregistrement").fill('Plainte annoncée par le bailleur : conserver les images.');
      await page.getByRole('button', { name: 'Valider la demande' }).click();
      await page.getByRole('heading', { name: "Mur d'images" }).waitFor();
      // The wall says which pictures are kept: « ● Enr. » in the recorded grant's tile.
      const rec = page.locator(`[data-testid=tile][data-camera="${CAM}"]`).getByRole('img', { name: 'Enregistrement en cours' });
      await rec.waitFor();
      expect(await rec.textContent()).toBe('● Enr.');
      expect(await rec.getAttribute('title')).toBe('Enregistrement en cours');
      // The tiles go away: the recording does not depend on the screen.
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.waitForTimeout(9000);
      // Two hours later (test clock), the grant expires by itself.
      await testHook(app, `clock?advance=${2 * 3600000 - 3000}`);
      await page.waitForTimeout(5000);

      await login(page, 'SUP201', 'demo-superviseur');
      await nav.getByRole('button', { name: "Revue d'incident" }).click();
      const dir = path.join(tmp.dir, 'recordings');
      const grantId = readdirSync(dir).find((n) => /^[0-9a-f-]{36}$/.test(n))!;
      const segFiles = () => readdirSync(path.join(dir, grantId, CAM)).filter((f) => f.endsWith('.seg')).sort();
      expect(segFiles().length).toBeGreaterThanOrEqual(3);
      await page.getByRole('button', { name: '6 dernières heures' }).click();
      const bar = page.locator(`[data-testid=timeline-lane][data-camera="${CAM}"] [data-recorded=true]`);
      await bar.click();
      await page.getByRole('button', { name: 'Lire', exact: true }).click();
      await page.locator('[data-testid=recording-video]').waitFor();
      await page.waitForFunction(() => ((document.querySelector('[data-testid=recording-video]') as HTMLVideoElement | null)?.getVideoPlaybackQuality().totalVideoFrames ?? 0) > 10, undefined, { timeout: 20000 });
      const f1 = await frames(page);
      await page.waitForTimeout(1500);
      expect(await frames(page)).toBeGreaterThan(f1);
      expect(await page.getByTestId('recording-watermark').textContent()).toMatch(/^SUP201 · \d\d:\d\d:\d\d$/);
      // ×2: the video element plays faster; seeking moves the position where the slider says.
      await page.getByRole('button', { name: '×2' }).click();
      expect(await page.$eval('[data-testid=recording-video]', (v) => (v as HTMLVideoElement).playbackRate)).toBe(2);
      // Seek back to the start with a click on the slider, as a superviseur would.
      await page.waitForFunction(() => (document.querySelector('[data-testid=recording-video]') as HTMLVideoElement).currentTime > 3, undefined, { timeout: 10000 });
      const slider = await page.getByRole('slider', { name: 'Position dans la lecture' }).boundingBox();
      await page.mouse.click(slider!.x + 3, slider!.y + slider!.height / 2);
      await page.waitForFunction(() => {
        const v = document.querySelector('[data-testid=recording-video]') as HTMLVideoElement;
        return v.currentTime < 2.5 && !v.seeking;
      }, undefined, { timeout: 10000 });
      const f2 = await frames(page);
      await page.waitForTimeout(1000);
      expect(await frames(page)).toBeGreaterThan(f2);
      await page.screenshot({ path: path.join(shots, 'review-recording-1366.png'), fullPage: true });
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.screenshot({ path: path.join(shots, 'review-recording-1920.png'), fullPage: true });
      await page.setViewportSize({ width: 1366, height: 768 });

      // The evidence bundle carries the recording as MP4, and verifies offline.
      await page.getByRole('button', { name: 'Exporter un lot de preuves' }).click();
      const exported = page.getByTestId('evidence-exported');
      await exported.getByText('1 enregistrement(s) MP4 dans le lot.').waitFor();
      const bundle = /Emplacement sur ce poste : (\/.+?\.zip)/.exec((await exported.textContent())!)![1]!;
      expect(await verifyBundle(bundle)).toMatchObject({ ok: true, recordings: { files: 1, excluded: 0 } });

      // A file removed by hand, one byte flipped in another: the review names both, and still plays the rest.
      const files = segFiles();
      rmSync(path.join(dir, grantId, CAM, files[1]!));
      const victim = path.join(dir, grantId, CAM, files[2]!);
      const data = readFileSync(victim);
      data[100] = data[100]! ^ 0x01;
      writeFileSync(victim, data);
      await page.getByTestId('recording-player').getByRole('button', { name: 'Fermer' }).click();
      await bar.click();
      await page.locator('[data-testid=recording-problem][data-status=missing]').getByText(/enregistrement manquant/).waitFor();
      await page.locator('[data-testid=recording-problem][data-status=altered]').getByText(/enregistrement altéré/).waitFor();
      await page.getByRole('button', { name: 'Exporter un lot de preuves' }).click();
      await page.getByTestId('evidence-recording-problems').getByText(/2 segment\(s\) d'enregistrement manquant\(s\) ou altéré\(s\)/).waitFor();
            await page.screenshot({ path: path.join(shots, 'review-recording-altered-1366.png'), fullPage: true });
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.screenshot({ path: path.join(shots, 'review-recording-altered-1920.png') });

      // Each playback is in the journal: who, which camera, which period (CNIL, 2021).
      await app.stop();
      const after = await openDatabase(path.join(tmp.dir, 'console.sqlite'));
      const viewed = await after('journal').where({ kind: 'recording.viewed' });
      await after.destroy();
      expect(viewed.length).toBe(1);
      expect(viewed[0].actor).toBe('SUP201');
      expect(JSON.parse(viewed[0].payload)).toMatchObject({ grantId, cameraId: CAM });
    } finally {
      await page.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 120000);

  test('over the quota the recording stops with a French banner; the tile keeps playing', async () => {
    const tmp = tmpDir();
    await seedRecordingSite(tmp.dir, sim.url('cam1'));
    // A quota of a kilobyte: the first disk check (every 5 s) stops the recording.
    writeFileSync(path.join(tmp.dir, 'settings.json'), JSON.stringify({ version: 1, recording: { quotaGb: 0.000001 } }));
    const app = await spawnHeadless(tmp.dir, ['--test-hooks']);
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      await page.goto(app.url);
      await login(page);
      await requestCameras(page, ["Hall — 1 rue de l'Arcade"], /Résidence du Tripode/, /Police municipale/, 'Plainte annoncée par le bailleur : conserver les images.');
      await page.getByTestId('recording-banner').getByText("Enregistrement arrêté : le quota d'espace des enregistrements est atteint. La transmission en direct continue.").waitFor({ timeout: 20000 });
      const frames = () => page.$eval(`[data-testid=tile][data-camera="${CAM}"] video.on-screen`, (v) => (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames);
      const before = await frames();
      await page.waitForTimeout(1500);
      expect(await frames()).toBeGreaterThan(before);
      // The tile says so for the rest of the grant: « Enr. arrêté », the reason in its title.
      const tripode = page.locator(`[data-testid=tile][data-camera="${CAM}"]`);
      const stopped = "Enregistrement arrêté : le quota d'espace des enregistrements est atteint";
      const badge = tripode.getByTestId('tile-recording');
      await badge.and(page.locator('[data-stopped=quota]')).waitFor();
      expect(await badge.textContent()).toBe('Enr. arrêté');
      expect(await badge.getAttribute('title')).toBe(stopped);
      // A grant without recording has no badge; the active list names the recorded one.
      await requestCameras(page, ['Hall bâtiment A'], /Bobinet-Sellier/);
      const bobinet = page.locator('[data-testid=tile][data-camera="bobinet-hall-a"]');
      await bobinet.waitFor();
      expect(await bobinet.getByTestId('tile-recording').count()).toBe(0);
      await page.screenshot({ path: path.join(shots, 'recording-quota-banner-1366.png') });
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.screenshot({ path: path.join(shots, 'recording-quota-banner-1920.png') });
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.getByRole('navigation').getByRole('button', { name: 'Transmissions en cours' }).click();
      const listed = page.getByTestId('active-grant');
      await listed.first().waitFor();
      // Its recording was stopped (quota): the list says so, the reason in the title, as the tile does.
      const tag = listed.filter({ hasText: 'Résidence du Tripode' }).getByTestId('active-recorded');
      expect(await tag.textContent()).toBe('enregistrement arrêté');
      expect(await tag.getAttribute('title')).toBe(stopped);
      expect(await listed.filter({ hasText: 'Bobinet-Sellier' }).getByTestId('active-recorded').count()).toBe(0);
      await page.screenshot({ path: path.join(shots, 'recording-active-1366.png') });

      // A reload (the wall is main's state): the same badges, the stop included.
      await page.reload();
      await page.getByRole('heading', { name: "Mur d'images" }).waitFor();
      await tripode.getByTestId('tile-recording').and(page.locator('[data-stopped=quota]')).waitFor();
      expect(await tripode.getByRole('img', { name: stopped }).textContent()).toBe('Enr. arrêté');
      await bobinet.waitFor();
      expect(await bobinet.getByTestId('tile-recording').count()).toBe(0);
    } finally {
      await page.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 90000);
});
