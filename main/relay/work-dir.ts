import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const PREFIX = 'csu-relay-';
const OWNER_FILE = 'owner.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the relay work folders (font copy, demo labels) of runs whose process is gone — a
 * crash skips the relay's own clean-up — then creates this run's folder, marked with our pid.
 * A folder without an owner mark is left alone: it may be another console's, still starting.
 */
export function claimWorkDir(tmpRoot: string, onRemoved?: (count: number, dirs: string[]) => void): string {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(tmpRoot).filter((n) => n.startsWith(PREFIX));
  } catch {
    names = [];
  }
  for (const name of names) {
    const dir = path.join(tmpRoot, name);
    let pid: number;
    try {
      pid = Number(readFileSync(path.join(dir, OWNER_FILE), 'utf8').trim());
    } catch {
      continue;
    }
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  if (removed.length > 0) onRemoved?.(removed.length, removed);
  const dir = mkdtempSync(path.join(tmpRoot, PREFIX));
  writeFileSync(path.join(dir, OWNER_FILE), String(process.pid), { mode: 0o600 });
  return dir;
}
