import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { openDatabase } from '../../db';
import { listCameras, upsertCamera } from '../../db/catalogue';
import { launchChromium } from '../helpers/browser';
import { login, requestCameras } from '../helpers/console-ui';
import { spawnHeadless, type RunningHeadless } from '../helpers/headless';
import { startRtspSim, type RtspSim } from '../helpers/rtsp-sim';
import { tmpDir } from '../helpers/tmp';
import type { WallClips } from './wall-clips';
import { installProbe } from './wall-probe';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** The camera whose RTSP server the bench stops and starts again (its own simulator, on a fixed port). */
export const OUTAGE_CAMERA = 'tripode-hall-arcade';

/** Bobinet-Sellier gets six more cameras: with the Tripode's six, two requests put 16 distinct cameras on the wall. */
const EXTRA = [1, 2, 3, 4, 5, 6].map((n) => ({ id: `bobinet-bench-${n}`, label: `Coursive ${n}`, zone: 'hall' as const }));

/** The sixteen cameras' simulators: every camera serves the pre-encoded 720p main and 360p sub clips. */
export class WallSims {
  private constructor(
    private readonly clips: WallClips,
    readonly outagePort: number,
    public outage: RtspSim,
    readonly others: RtspSim,
  ) {}

  static async start(clips: WallClips): Promise<WallSims> {
    const port = await freePort();
    const outage = await startRtspSim({ port, cams: 1, clip: clips.main, clipSub: clips.sub });
    const others = await startRtspSim({ cams: 15, clip: clips.main, clipSub: clips.sub });
    return new WallSims(clips, port, outage, others);
  }

  /** The outage camera's server is back on its address. */
  async restartOutage(): Promise<void> {
    this.outage = await startRtspSim({ port: this.outagePort, cams: 1, clip: this.clips.main, clipSub: this.clips.sub });
  }

  async stop(): Promise<void> {
    await Promise.all([this.outage.stop(), this.others.stop()]);
  }
}

export interface WallConsole {
  app: RunningHeadless;
  browser: Browser;
  page: Page;
  cdp: CDPSession;
  stop(): Promise<void>;
}

/**
 * A console whose demo catalogue is turned into 16 RTSP cameras (with or without their sub
 * stream), two grants opened through the wizard, 16 tiles live in headless Chromium at 1600×1000.
 */
export async function startWallConsole(sims: WallSims, withSub: boolean, consoleId: string, tiles: 6 | 16 = 16): Promise<WallConsole> {
  const tmp = tmpDir('csu-bench-wall-');
  writeFileSync(path.join(tmp.dir, 'settings.json'), JSON.stringify({ consoleId, demoCamera: { width: 320, height: 180, fps: 15 } }));
  // First start seeds the demo catalogue; its cameras then become RTSP cameras.
  const seed = await spawnHeadless(tmp.dir);
  await seed.stop();
  const db = await openDatabase(path.join(tmp.dir, 'console.sqlite'));
  try {
    for (const c of EXTRA) await upsertCamera(db, { ...c, siteId: 'bobinet-sellier', sourceUrl: 'sim:bench' });
    let n = 0;
    for (const c of await listCameras(db)) {
      const sim = c.id === OUTAGE_CAMERA ? sims.outage : sims.others;
      const cam = c.id === OUTAGE_CAMERA ? 'cam1' : `cam${++n}`;
      if (n > 15) throw new Error('more than 16 cameras in the demo catalogue');
      await upsertCamera(db, { id: c.id, siteId: c.siteId, label: c.label, zone: c.zone, sourceUrl: sim.url(cam), ...(withSub ? { subStreamUrl: sim.url(`${cam}-sub`) } : {}) });
    }
  } finally {
    await db.destroy();
  }
  const app = await spawnHeadless(tmp.dir, ['--test-hooks']);
  const browser = await launchChromium();
  const stop = async () => {
    await browser.close();
    await app.stop();
    tmp.cleanup();
  };
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.addInitScript(installProbe);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(app.url);
    await login(page);
    await requestCameras(page, 'all', /Résidence du Tripode/, /Police municipale/);
    // 6: the Tripode alone, a diagnosis of the soak on a renderer that is not short of CPU.
    if (tiles === 16) await requestCameras(page, 'all', /Bobinet-Sellier/, /Police municipale/);
    await page.waitForFunction((n) => [...document.querySelectorAll('.wall [data-testid=tile]')].filter((t) => t.getAttribute('data-state') === 'live').length === n, tiles, { timeout: 90000 });
    return { app, browser, page, cdp, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
