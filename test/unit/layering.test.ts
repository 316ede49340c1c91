import { spawnSync } from 'node:child_process';
import { repoRoot } from '../helpers/tmp';

/**
 * The import boundaries of ARCHITECTURE.md, checked through the project's real ESLint config.
 * ESLint loads its flat config with a dynamic import, which Jest's module runtime cannot do,
 * so the cases are linted in one plain Node child process.
 */
const refused: [string, string][] = [];
const allowed: [string, string][] = [];
let results: string[][] = [];

function lintAll(cases: [string, string][]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const [file, code] of cases) {
        const [r] = await eslint.lintText(code, { filePath: process.cwd() + '/' + file });
        out.push(r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })();`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, input: JSON.stringify(cases), encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as string[][];
}

function errorsFor(file: string, code: string): string[] {
  const i = [...refused, ...allowed].findIndex(([f, c]) => f === file && c === code);
  return results[i]!;
}

refused.push(

    ['renderer/views/X.tsx', "import fs from 'node:fs'; export const x = fs;"],
    ['renderer/views/X.tsx', "import path from 'path'; export const x = path;"],
    ['renderer/views/X.tsx', "import { x } from '../../db/journal'; export const y = x;"],
    ['renderer/views/X.tsx', "import { x } from '../../main/services'; export const y = x;"],
    ['renderer/views/X.tsx', "import { ipcRenderer } from 'electron'; export const y = ipcRenderer;"],
    ['renderer/views/X.tsx', "import { x } from '../../preload/web'; export const y = x;"],
    ['main/services.ts', "import { app } from 'electron'; export const y = app;"],
    ['db/journal.ts', "import { x } from '../main/services'; export const y = x;"],
    ['preload/web.ts', "import { x } from '../main/services'; export const y = x;"],
    ['server/app.ts', "import { x } from '../main/services'; export const y = x;"],
    ['main/mirror/setup.ts', "import { buildServer } from '../../server/app'; export const y = buildServer;"],
    ['main/services.ts', "import { openServerDb } from '../server/db'; export const y = openServerDb;"],
    ['main/index.ts', "import { buildServer } from '../server/app'; export const y = buildServer;"],

);
allowed.push(

    ['renderer/views/X.tsx', "import type { AppInfo } from '../../preload/contract'; export type Y = AppInfo;"],
    ['main/window.ts', "import { app } from 'electron'; export const y = app;"],
    ['main/transport/ipc.ts', "import { ipcMain } from 'electron'; export const y = ipcMain;"],
    ['preload/index.ts', "import { contextBridge } from 'electron'; import { buildApi } from './contract'; export const y = [contextBridge, buildApi];"],
    ['main/services.ts', "import { x } from '../db/journal'; export const y = x;"],
    ['main/mirror/setup.ts', "import { x } from '../../db/journal'; export const y = x;"],

);

describe('layering lint rules', () => {
  beforeAll(() => {
    results = lintAll([...refused, ...allowed]);
  }, 60000);

  test.each(refused)('%s refuses: %s', (file, code) => {
    expect(errorsFor(file, code).length).toBeGreaterThan(0);
  });

  test.each(allowed)('%s allows: %s', (file, code) => {
    expect(errorsFor(file, code)).toEqual([]);
  });
});
