import { readFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appProtocolResponse, type FetchFile } from '../../main/app-protocol';
import { CSP } from '../../main/csp';
import { tmpDir } from '../helpers/tmp';

/**
 * The Electron shell's app:// handler. Electron's `protocol.handle` cannot run here (no Electron
 * binary on this machine): the test drives the Request → Response function window.ts gives it,
 * with real files read from disk where Electron would use net.fetch.
 */
const readFromDisk: FetchFile = async (fileUrl) => {
  try {
    return new Response(await readFile(fileURLToPath(fileUrl)), { status: 200, headers: { 'Content-Type': 'text/plain' } });
  } catch {
    return new Response('Not Found', { status: 404 });
  }
};

describe('app:// protocol handler', () => {
  const t = tmpDir('csu-app-');
  const renderer = path.join(t.dir, 'renderer');
  const fetched: string[] = [];
  const fetchFile: FetchFile = (u) => (fetched.push(u), readFromDisk(u));
  beforeAll(() => {
    require('node:fs').mkdirSync(renderer);
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Console</title>');
    writeFileSync(path.join(renderer, 'app.js'), 'console.log(1)');
    writeFileSync(path.join(t.dir, 'secret.txt'), 'outside the renderer');
  });
  afterAll(() => t.cleanup());
  beforeEach(() => fetched.splice(0));

  const call = (url: string, init?: RequestInit) => appProtocolResponse(new Request(url, init), renderer, fetchFile);

  test('GET serves the renderer files with the CSP', async () => {
    const r = await call('app://console/');
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<title>Console</title>');
    expect(r.headers.get('Content-Security-Policy')).toBe(CSP);
    expect(r.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect((await call('app://console/app.js')).status).toBe(200);
  });

  test.each(['POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'])('%s is refused with 405, no file read', async (method) => {
    const r = await call('app://console/index.html', { method, ...(method === 'POST' || method === 'PUT' || method === 'PATCH' ? { body: 'x' } : {}) });
    expect(r.status).toBe(405);
    expect(fetched).toEqual([]);
  });

  test.each(['app://console/%E0%A4%A', 'app://console/%', 'app://console/app%2.js', 'app://console/%C0%AF'])('a malformed escape (%s) is refused with 400, not thrown', async (url) => {
    const r = await call(url);
    expect(r.status).toBe(400);
    expect(fetched).toEqual([]);
  });

  test('a path leaving the renderer folder, a NUL byte or another host gets 404; nothing outside the renderer is read', async () => {
    for (const url of ['app://console/..%2Fsecret.txt', 'app://console/%2e%2e/secret.txt', 'app://console/app.js%00.png', 'app://other/index.html']) {
      expect({ url, status: (await call(url)).status }).toEqual({ url, status: 404 });
    }
    // The URL parser folds %2e%2e into the path, so that one may look inside the renderer folder only.
    expect(fetched.filter((u) => !u.startsWith(`file://${renderer}/`))).toEqual([]);
  });
});
