import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openConfSettings } from '../../main/settings/conf-store';
import { SettingsError } from '../../main/settings/store';
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
