import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openConfSettings } from '../../main/settings/conf-store';
import { SettingsError } from '../../main/settings/store';
import { renameKey, SETTINGS_VERSION, upgradeSettings } from '../../main/settings/upgrades';
import { mainT } from '../../main/i18n';
import { repoRoot, tmpDir } from '../helpers/tmp';

describe('settings (conf, as in the headless shell)', () => {
  test('first run writes a console id, readable only by the user, and keeps it', () => {
    const t = tmpDir();
    const s = openConfSettings(t.dir);
    const id = s.get().consoleId;
    expect(id).toMatch(/^console-[0-9a-f]{8}$/);
    expect(s.get().mode).toBe('demo');
    expect(statSync(s.path).mode & 0o777).toBe(0o600);
    expect(openConfSettings(t.dir).get().consoleId).toBe(id);
    t.cleanup();
  });

  test('update validates and persists', () => {
    const t = tmpDir();
    const s = openConfSettings(t.dir);
    s.update({ mode: 'production' });
    expect(openConfSettings(t.dir).get().mode).toBe('production');
    expect(() => s.update({ mode: 'nope' as never })).toThrow();
    expect(openConfSettings(t.dir).get().mode).toBe('production');
    t.cleanup();
  });

  test('a file that is not JSON gives a SettingsError and is left untouched', () => {
    const t = tmpDir();
    const file = path.join(t.dir, 'settings.json');
    writeFileSync(file, '{ "consoleId": "abc", ');
    expect(() => openConfSettings(t.dir)).toThrow(SettingsError);
    expect(readFileSync(file, 'utf8')).toBe('{ "consoleId": "abc", ');
    t.cleanup();
  });

  test('a file that breaks the schema names the field, in French for the user', () => {
    const t = tmpDir();
    const file = path.join(t.dir, 'settings.json');
    const content = JSON.stringify({ consoleId: 'poste-1', mode: 'turbo', colour: 'red' });
    writeFileSync(file, content);
    let caught: unknown;
    try {
      openConfSettings(t.dir);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SettingsError);
    const err = caught as SettingsError;
    expect(err.reason).toMatch(/mode/);
    const fr = mainT()('errors.SETTINGS_INVALID', { file: err.file, reason: err.reason });
    expect(fr).toMatch(/^Le fichier de réglages « .*settings\.json » est invalide et n'a pas été modifié/);
    expect(readFileSync(file, 'utf8')).toBe(content);
    t.cleanup();
  });

  test('the headless shell refuses to start on an invalid file, says why in French, exits 78', () => {
    const t = tmpDir();
    writeFileSync(path.join(t.dir, 'settings.json'), '[1,2');
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist/main/headless.js'), '--data-dir', t.dir], { encoding: 'utf8', timeout: 20000 });
    expect(r.status).toBe(78);
    expect(r.stderr).toMatch(/Le fichier de réglages/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(readFileSync(path.join(t.dir, 'settings.json'), 'utf8')).toBe('[1,2');
    t.cleanup();
  });
});

describe('settings versions and upgrades', () => {
  const backups = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('settings.json.bak-'));

  test('a new file is written with the current version', () => {
    const t = tmpDir();
    const s = openConfSettings(t.dir);
    expect(s.get().version).toBe(SETTINGS_VERSION);
    expect(JSON.parse(readFileSync(s.path, 'utf8')).version).toBe(SETTINGS_VERSION);
    expect(backups(t.dir)).toEqual([]);
    t.cleanup();
  });

  test('a file from before versions is upgraded, its original kept as settings.json.bak-<timestamp>', () => {
    const t = tmpDir();
    const file = path.join(t.dir, 'settings.json');
    const original = JSON.stringify({ consoleId: 'poste-1', mode: 'production', ffmpegPath: '/opt/ffmpeg' }, null, '\t');
    writeFileSync(file, original, { mode: 0o600 });
    const seen: [number, string][] = [];
    const s = openConfSettings(t.dir, { now: () => new Date(Date.UTC(2026, 10, 26, 12, 20)), onUpgrade: (from, saved) => seen.push([from, saved]) });
    expect(s.get()).toMatchObject({ version: SETTINGS_VERSION, consoleId: 'poste-1', mode: 'production', ffmpegPath: '/opt/ffmpeg' });
    expect(backups(t.dir)).toEqual(['settings.json.bak-2026-11-26T12-20-00-000Z']);
    const saved = path.join(t.dir, 'settings.json.bak-2026-11-26T12-20-00-000Z');
    expect(readFileSync(saved, 'utf8')).toBe(original);
    expect(statSync(saved).mode & 0o777).toBe(0o600);
    expect(seen).toEqual([[0, saved]]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: SETTINGS_VERSION, consoleId: 'poste-1', mode: 'production', ffmpegPath: '/opt/ffmpeg' });
    // Upgraded once: the next start reads it as it is.
    openConfSettings(t.dir);
    expect(backups(t.dir)).toHaveLength(1);
    t.cleanup();
  });

  test('a renamed key is carried to its new name by the chain, never refused', () => {
    // The released chain has no rename yet: this chain is the shape the next one will take.
    const chain = [{ from: 0, up: (raw: Record<string, unknown>) => renameKey(raw, 'cheminFfmpeg', 'ffmpegPath') }];
    const t = tmpDir();
    const file = path.join(t.dir, 'settings.json');
    const original = JSON.stringify({ consoleId: 'poste-1', cheminFfmpeg: '/opt/ffmpeg' });
    writeFileSync(file, original);
    // The released chain does not know the key: as today, the file is refused and left alone.
    expect(() => openConfSettings(t.dir)).toThrow(/cheminFfmpeg/);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(backups(t.dir)).toEqual([]);
    const s = openConfSettings(t.dir, { upgrades: chain });
    expect(s.get().ffmpegPath).toBe('/opt/ffmpeg');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: SETTINGS_VERSION, consoleId: 'poste-1', ffmpegPath: '/opt/ffmpeg' });
    expect(backups(t.dir)).toHaveLength(1);
    expect(readFileSync(path.join(t.dir, backups(t.dir)[0]!), 'utf8')).toBe(original);
    t.cleanup();
  });

  test('the chain runs step by step; a newer or nonsensical version is refused', () => {
    const chain = [
      { from: 0, up: (raw: Record<string, unknown>) => renameKey(raw, 'a', 'b') },
      { from: 1, up: (raw: Record<string, unknown>) => renameKey(raw, 'b', 'c') },
    ];
    expect(upgradeSettings({ a: 1 }, chain, 2)).toEqual({ ok: true, raw: { c: 1, version: 2 }, fromVersion: 0, upgraded: true });
    expect(upgradeSettings({ b: 1, version: 1 }, chain, 2)).toEqual({ ok: true, raw: { c: 1, version: 2 }, fromVersion: 1, upgraded: true });
    expect(upgradeSettings({ c: 1, version: 2 }, chain, 2)).toEqual({ ok: true, raw: { c: 1, version: 2 }, fromVersion: 2, upgraded: false });
    expect(upgradeSettings({ version: 3 }, chain, 2)).toMatchObject({ ok: false, reason: expect.stringMatching(/newer/) });
    expect(upgradeSettings({ version: 'un' }, chain, 2)).toMatchObject({ ok: false });
    expect(upgradeSettings({}, [], 1)).toMatchObject({ ok: false, reason: expect.stringMatching(/no upgrade from 0/) });
  });

  test('an old file that is really invalid is refused and left untouched, with no backup', () => {
    const t = tmpDir();
    const file = path.join(t.dir, 'settings.json');
    const content = JSON.stringify({ consoleId: 'poste-1', mode: 'turbo' });
    writeFileSync(file, content);
    expect(() => openConfSettings(t.dir)).toThrow(SettingsError);
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(backups(t.dir)).toEqual([]);
    t.cleanup();
  });

  test('a file from a newer console is refused, in French, untouched', () => {
    const t = tmpDir();
    const file = path.join(t.dir, 'settings.json');
    const content = JSON.stringify({ version: SETTINGS_VERSION + 1, consoleId: 'poste-1' });
    writeFileSync(file, content);
    let caught: unknown;
    try {
      openConfSettings(t.dir);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SettingsError);
    expect(mainT()('errors.SETTINGS_INVALID', { file: (caught as SettingsError).file, reason: (caught as SettingsError).reason })).toMatch(/^Le fichier de réglages/);
    expect(readFileSync(file, 'utf8')).toBe(content);
    t.cleanup();
  });
});

describe('the headless shell and a registry it does not recognise', () => {
  test('refuses to start in French, exits 74, leaves the file as it was', () => {
    const t = tmpDir();
    writeFileSync(path.join(t.dir, 'console.sqlite'), 'not a database at all, but evidence someone cares about\n');
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist/main/headless.js'), '--data-dir', t.dir], { encoding: 'utf8', timeout: 20000 });
    expect(r.status).toBe(74);
    expect(r.stderr).toMatch(/n'est pas une base de registre de la console/);
    expect(readFileSync(path.join(t.dir, 'console.sqlite'), 'utf8')).toBe('not a database at all, but evidence someone cares about\n');
    t.cleanup();
  });
});
