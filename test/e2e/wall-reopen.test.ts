import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { openDatabase } from '../../db';
import { launchChromium } from '../helpers/browser';
import { login, requestCameras, testHook } from '../helpers/console-ui';
import { spawnHeadless } from '../helpers/headless';
import { tmpDir } from '../helpers/tmp';
import { tryConnect } from '../helpers/ws-client';

/**
 * The wall is main's state: a new window and a crashed renderer (reloaded, as the Electron
 * window does by itself) show the same tiles playing, each reopening journaled.
 */
const TILES = `[...document.querySelectorAll('.wall [data-testid=tile]')].map((t) => t.getAttribute('data-grant') + ':' + t.getAttribute('data-camera')).sort()`;
const STATES = `[...document.querySelectorAll('.wall [data-testid=tile]')].map((t) => t.getAttribute('data-state'))`;
const FRAMES = `[...document.querySelectorAll('.wall [data-testid=tile] video.on-screen')].map((v) => v.getVideoPlaybackQuality().totalVideoFrames)`;

/** An expression evaluated in the page, through Playwright or, once Playwright has given a crashed page up, DevTools. */
type Evaluate = <T>(expression: string) => Promise<T | undefined>;

const viaPage =
  (page: Page): Evaluate =>
  <T,>(expression: string) =>
    page.evaluate(expression).then((v) => v as T, () => undefined);

const viaCdp =
  (cdp: CDPSession): Evaluate =>
  async <T,>(expression: string) => {
    const r = (await cdp.send('Runtime.evaluate', { expression, returnByValue: true }).catch(() => undefined)) as { result?: { value?: T } } | undefined;
    return r?.result?.value;
  };

async function until<T>(evaluate: Evaluate, expression: string, ok: (v: T | undefined) => boolean, what: string): Promise<T> {
  // The deadline only turns a hang into a failure.
  const end = Date.now() + 60000;
  for (;;) {
    const v = await evaluate<T>(expression);
    if (ok(v)) return v!;
    if (Date.now() > end) throw new Error(`${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** n tiles decode, then each decodes at least 5 more frames (pictures that move), and each says « En direct ». */
async function allAdvancing(evaluate: Evaluate, n: number): Promise<void> {
  const first = await until<number[]>(evaluate, FRAMES, (v) => v?.length === n && v.every((x) => x > 0), `${n} tiles decoding`);
  await until<number[]>(evaluate, FRAMES, (v) => v?.length === n && v.every((x, i) => x > first[i]! + 5), 'their frames advancing');
  await until<string[]>(evaluate, STATES, (v) => v?.length === n && v.every((x) => x === 'live'), 'every tile « En direct »');
}

describe('wall: a new window and a crashed renderer reopen the same wall (demo site, Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 30000);
  afterAll(() => browser?.close());

  test('a second window shows the same tiles playing; a renderer crash then a reload too; each reopening journaled', async () => {
    const tmp = tmpDir();
    writeFileSync(path.join(tmp.dir, 'settings.json'), JSON.stringify({ consoleId: 'e2e-wall-reopen', demoCamera: { width: 320, height: 180, fps: 10 } }));
    const app = await spawnHeadless(tmp.dir, ['--test-hooks']);
    const journaled = async () => {
      const db = await openDatabase(path.join(tmp.dir, 'console.sqlite'));
      try {
        return (await db('journal').where({ kind: 'stream.opened' })).length;
      } finally {
        await db.destroy();
      }
    };
    // One context: its pages are windows of the same browser (the headless shell's « new window »).
    let context: BrowserContext | undefined;
    try {
      context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const first = await context.newPage();
      await first.goto(app.url);
      await login(first);
      await requestCameras(first, 'all', /Résidence du Tripode/, /Police municipale/);
      await allAdvancing(viaPage(first), 6);
      const shown = await viaPage(first)<string[]>(TILES);
      expect(shown).toHaveLength(6);
      expect(await journaled()).toBe(6);
      const liveTokens = async () => ((await testHook(app, 'memory')) as { relay: { tokens: number } }).relay.tokens;
      const perWindow = await liveTokens();
      expect(perWindow).toBeGreaterThanOrEqual(6);

      // A new window: the same wall, on its own new tokens, while the first goes on.
      const second = await context.newPage();
      const sockets: string[] = [];
      second.on('websocket', (ws) => {
        if (ws.url().includes('/stream/')) sockets.push(ws.url());
      });
      await second.goto(app.url);
      await allAdvancing(viaPage(second), 6);
      expect(await viaPage(second)<string[]>(TILES)).toEqual(shown);
      expect(new Set(sockets).size).toBe(6);
      expect(await journaled()).toBe(12);
      await allAdvancing(viaPage(first), 6);
      expect(await liveTokens()).toBe(2 * perWindow);

      // The renderer crashes (a GPU or memory fault) and the window reloads it, as the Electron
      // window does by itself. Playwright gives a crashed page up for good: the reload and what
      // follows go through the DevTools session, which outlives the renderer.
      const cdp = await context.newCDPSession(second);
      const crashed = new Promise<void>((resolve) => second.once('crash', () => resolve()));
      // The call never answers: its renderer is gone.
      void cdp.send('Page.crash').catch(() => undefined);
      await crashed;
      await cdp.send('Page.reload', {});
      await allAdvancing(viaCdp(cdp), 6);
      expect(await viaCdp(cdp)<string[]>(TILES)).toEqual(shown);
      expect(await journaled()).toBe(18);
      // The crashed page's links died with it: they open nothing, and only the two living pages hold tokens.
      const origin = new URL(app.url).origin;
      for (const url of sockets.slice(0, 6)) expect(await tryConnect(url, { Origin: origin })).toEqual({ status: 404, opened: false });
      expect(await liveTokens()).toBe(2 * perWindow);
    } finally {
      await context?.close();
      await app.stop();
      tmp.cleanup();
    }
  }, 240000);
});
