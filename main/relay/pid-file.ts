import { readFileSync, writeFileSync, existsSync } from 'node:fs';

/** Marker put on every ffmpeg we start, so leftovers are recognised by their command line, ours only. */
export const RELAY_MARKER = 'service_provider=csu-console-relay';

/**
 * Records the ffmpeg processes the relay runs, so a console that crashed does not leave cameras
 * streaming: at the next start, leftovers still running with our marker are killed.
 */
export class PidFile {
  private readonly pids = new Set<number>();
  constructor(private readonly file: string | undefined) {}

  add(pid: number): void {
    this.pids.add(pid);
    this.save();
  }

  remove(pid: number): void {
    this.pids.delete(pid);
    this.save();
  }

  private save(): void {
    if (this.file) writeFileSync(this.file, JSON.stringify([...this.pids]), { mode: 0o600 });
  }

  /** Kills processes listed by a previous run whose command line is one of our relay ffmpegs. Returns their pids. */
  killLeftovers(): number[] {
    if (!this.file || !existsSync(this.file)) return [];
    let listed: unknown;
    try {
      listed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      listed = [];
    }
    const killed: number[] = [];
    for (const pid of Array.isArray(listed) ? listed : []) {
      if (!Number.isInteger(pid) || pid <= 1) continue;
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue; // gone, or not Linux
      }
      if (!cmdline.split('\0').includes(RELAY_MARKER)) continue;
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      } catch {
        /* already gone */
      }
    }
    this.save();
    return killed;
  }
}
