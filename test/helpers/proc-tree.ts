import { readdirSync, readFileSync } from 'node:fs';

/** Linux process facts from /proc: which processes descend from a pid, and their command lines. */
function parentOf(pid: number): number | undefined {
  try {
    // The command name is in parentheses and may hold spaces: the fields after it are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

export function isAlive(pid: number): boolean {
  try {
    // A zombie has exited: only its parent has not reaped it yet.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Every live descendant of pid (children, grandchildren…). */
export function descendants(pid: number): number[] {
  const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const out: number[] = [];
  let frontier = [pid];
  while (frontier.length) {
    const next = pids.filter((p) => frontier.includes(parentOf(p) ?? -1) && isAlive(p));
    out.push(...next);
    frontier = next;
  }
  return out;
}
