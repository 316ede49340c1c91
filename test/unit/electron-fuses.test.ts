import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { repoRoot, tmpDir } from '../helpers/tmp';

/**
 * The packaged app's Electron fuses. The real Electron binary cannot be downloaded here, so the
 * afterPack hook runs on a stand-in file carrying Electron's fuse sentinel and a wire in
 * Electron's shipped defaults; @electron/fuses reads the result back.
 */
const { FUSES, fuseConfig } = require('../../scripts/electron-fuses.cjs') as { FUSES: Record<string, boolean>; fuseConfig(): Record<string, unknown> };
const afterPack = (require('../../scripts/after-pack.cjs') as { default: (context: unknown) => Promise<void> }).default;

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ENABLE = 49;
const DISABLE = 48;
// Electron's shipped wire: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on,
// asar integrity off, only-asar off, browser V8 snapshot off, file:// extra privileges on.
const SHIPPED = '10110001';

describe('Electron fuses at packaging', () => {
  test('the configuration sets each hardening fuse', () => {
    expect(FUSES).toEqual({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableCookieEncryption: true,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
    });
    const c = fuseConfig();
    expect(c[FuseV1Options.RunAsNode]).toBe(false);
    expect(c[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(c[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(c[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(c[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(c[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
  });

  test('electron-builder runs the afterPack hook', () => {
    expect(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')).toMatch(/^afterPack: scripts\/after-pack\.cjs$/m);
  });

  test('the afterPack hook flips them in the packed binary', async () => {
    const t = tmpDir('csu-fuses-');
    const out = path.join(t.dir, 'linux-unpacked');
    mkdirSync(out);
    const binary = path.join(out, 'csu-console');
    writeFileSync(binary, Buffer.concat([Buffer.from('ELF…stand-in…'), Buffer.from(SENTINEL), Buffer.from([1, SHIPPED.length]), Buffer.from(SHIPPED), Buffer.from('…rest')]));
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await afterPack({ appOutDir: out, electronPlatformName: 'linux', arch: 1, packager: { appInfo: { productFilename: 'Console CSU' }, executableName: 'csu-console' } });
    } finally {
      log.mockRestore();
    }
    const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
    expect(wire[FuseV1Options.RunAsNode]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ENABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ENABLE);
    // Fuses this app does not set keep Electron's value.
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(ENABLE);
    t.cleanup();
  });
});
