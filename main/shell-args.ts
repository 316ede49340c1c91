import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface HeadlessArgs {
  dataDir: string;
  port: number;
  rendererDir: string;
  testHooks: boolean;
}

/** Where a console keeps its settings and registry when nothing else is said. */
export function defaultDataDir(): string {
  if (process.env.CSU_DATA_DIR) return path.resolve(process.env.CSU_DATA_DIR);
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'csu-console');
}

export function parseHeadlessArgs(argv: string[], here: string): HeadlessArgs {
  const out: HeadlessArgs = {
    dataDir: defaultDataDir(),
    port: 0,
    rendererDir: path.resolve(here, '..', 'renderer'),
    testHooks: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--data-dir') out.dataDir = path.resolve(value());
    else if (a === '--port') {
      const p = Number(value());
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error('--port takes 0 to 65535');
      out.port = p;
    } else if (a === '--renderer-dir') out.rendererDir = path.resolve(value());
    else if (a === '--test-hooks') out.testHooks = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

/** The repository's (or installed app's) assets/ folder, found from the running file upwards: dist/main/ or main/. */
export function findAssetsDir(from: string): string {
  let dir = from;
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'assets');
    if (existsSync(path.join(candidate, 'fonts'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`assets/ not found above ${from}`);
}
