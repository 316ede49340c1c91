import { format } from 'node:util';
/**
 * The Electron IPC transport. The Electron binary cannot run here, so `ipcMain` is replaced by
 * a minimal stand-in that records handlers; the wrapper, the sender check and the schemas under
 * test are the real ones.
 */
const handlers = new Map<string, (event: unknown, args: unknown) => Promise<unknown>>();
jest.mock(
  'electron',
  () => ({
    ipcMain: {
      handle: (name: string, fn: (event: unknown, args: unknown) => Promise<unknown>) => handlers.set(name, fn),
      removeHandler: (name: string) => handlers.delete(name),
    },
  }),
  { virtual: true },
);

import { registerIpc } from '../../main/transport/ipc';
import { createDispatcher, type CallContext } from '../../main/transport/dispatch';
import { PageScope } from '../../main/transport/page-scope';
import { EventBus } from '../../main/events';
import { silentLogger } from '../../main/log';
import { channels } from '../../preload/contract';

const info = { name: 'Console CSU', version: '1.0.0', mode: 'demo', consoleId: 'c-1', buildTime: new Date(0).toISOString(), shell: 'electron', setup: 'ready', catalogueVersion: 1 };

describe('IPC transport (Electron stand-in)', () => {
  const mainFrame = { id: 'main', url: 'app://console/index.html' };
  const logged: string[] = [];
  const log = { info() {}, error() {}, warn: (m: string, ...a: unknown[]) => logged.push(format(m, ...a)) };
  const sent: [string, unknown][] = [];
  // Its page events (did-start-navigation, render-process-gone, destroyed) are fired by the tests.
  const listeners = new Map<string, ((...a: unknown[]) => void)[]>();
  const listen = (ev: string, fn: (...a: unknown[]) => void) => listeners.set(ev, [...(listeners.get(ev) ?? []), fn]);
  const fire = (ev: string, ...a: unknown[]) => (listeners.get(ev) ?? []).forEach((fn) => fn(...a));
  const wc = { mainFrame, isDestroyed: () => false, send: (ch: string, p: unknown) => sent.push([ch, p]), on: listen, once: listen };
  const bus = new EventBus();
  let unregister: () => void;

  beforeAll(() => {
    const dispatch = createDispatcher({ app: { info: () => info as never } } as never, silentLogger, () => undefined);
    unregister = registerIpc(dispatch, () => wc as never, bus, { origin: 'app://console', log });
  });
  afterAll(() => unregister());

  test('registers one handler per contract method', () => {
    expect([...handlers.keys()].sort()).toEqual(channels().map((c) => `csu:${c}`).sort());
  });

  test('our main frame gets the result', async () => {
    const r = await handlers.get('csu:app.info')!({ sender: wc, senderFrame: mainFrame }, undefined);
    expect(r).toEqual({ ok: true, value: info });
  });

  test('wrong argument types are refused with INVALID_ARGUMENT', async () => {
    const r = (await handlers.get('csu:app.info')!({ sender: wc, senderFrame: mainFrame }, ['x'])) as { ok: boolean; error: { code: string; message: string } };
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('INVALID_ARGUMENT');
    expect(r.error.message.length).toBeGreaterThan(0);
  });

  test('a subframe or another webContents is refused, and the refusal is logged with its channel', async () => {
    logged.length = 0;
    await expect(handlers.get('csu:app.info')!({ sender: wc, senderFrame: { id: 'iframe', url: 'app://console/' } }, undefined)).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await expect(handlers.get('csu:app.info')!({ sender: {}, senderFrame: mainFrame }, undefined)).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(logged).toEqual([expect.stringMatching(/app\.info refused: sender is not the main frame/), expect.stringMatching(/app\.info refused: sender is not the console window/)]);
  });

  test('our main frame showing another origin is refused (second layer), and logged', async () => {
    logged.length = 0;
    const elsewhere = { ...wc, mainFrame: { id: 'main', url: 'https://evil.example/' } };
    const dispatch = createDispatcher({ app: { info: () => info as never } } as never, silentLogger, () => undefined);
    unregister();
    const unreg = registerIpc(dispatch, () => elsewhere as never, bus, { origin: 'app://console', log });
    await expect(handlers.get('csu:grants.list')!({ sender: elsewhere, senderFrame: elsewhere.mainFrame }, undefined)).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(logged).toEqual([expect.stringMatching(/grants\.list refused: main frame shows https:\/\/evil\.example/)]);
    unreg();
    unregister = registerIpc(createDispatcher({ app: { info: () => info as never } } as never, silentLogger, () => undefined), () => wc as never, bus, { origin: 'app://console', log });
  });

  test("each document of the window is one page: a reload or a crashed renderer ends the old one, an in-page navigation or a subframe does not", async () => {
    const pages: PageScope[] = [];
    unregister();
    const dispatch = createDispatcher({ app: { info: (_a: unknown, ctx: CallContext) => (pages.push(ctx.page!), info as never) } } as never, silentLogger, () => undefined);
    unregister = registerIpc(dispatch, () => wc as never, bus, { origin: 'app://console', log });
    const call = () => handlers.get('csu:app.info')!({ sender: wc, senderFrame: mainFrame }, undefined);
    await call();
    await call();
    expect(pages[0]).toBeInstanceOf(PageScope);
    expect(pages[1]).toBe(pages[0]);
    fire('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    fire('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    expect(pages[0]!.ended).toBe(false);
    fire('did-start-navigation', { isMainFrame: true, isSameDocument: false }); // F5
    expect(pages[0]!.ended).toBe(true);
    await call();
    expect(pages[2]).not.toBe(pages[0]);
    fire('render-process-gone', {}, { reason: 'crashed' });
    expect(pages[2]!.ended).toBe(true);
    await call();
    fire('destroyed');
    expect(pages[3]!.ended).toBe(true);
  });

  test('events reach the window, checked against their schema', () => {
    bus.emit('app.notice', { level: 'info', code: 'X' });
    expect(sent).toEqual([['csu-event:app.notice', { level: 'info', code: 'X' }]]);
    expect(() => bus.emit('app.notice', { level: 'loud' } as never)).toThrow();
  });
});
