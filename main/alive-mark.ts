/**
 * The « last alive » mark: a small file in the data folder rewritten every few seconds and
 * fsync'd, so that after a crash or a power cut the next start knows when the console stopped —
 * and journals that outage on every grant it interrupted (transmission.interrupted).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from './clock';
import type { Logger } from './log';

interface Mark {
  at: number;
  clean: boolean;
}

export class AliveMark {
  private timer: NodeJS.Timeout | undefined;
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly everyMs = 3000,
  ) {
    this.file = path.join(dataDir, 'alive.json');
  }

  /** When the previous run was last seen alive, if it did not stop cleanly; undefined otherwise (or first run). */
  previousOutageStart(): number | undefined {
    let mark: Partial<Mark>;
    try {
      mark = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<Mark>;
    } catch {
      return undefined;
    }
    return mark.clean === false && Number.isSafeInteger(mark.at) ? mark.at : undefined;
  }

  start(): void {
    this.write(false);
    this.timer = setInterval(() => this.write(false), this.everyMs);
    this.timer.unref();
  }

  /** Application quit: the next start has no outage to journal. */
  stopClean(): void {
    this.halt();
    this.write(true);
  }

  /** Stops writing without the clean mark: what a crash leaves behind (tests). */
  halt(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private write(clean: boolean): void {
    const tmp = `${this.file}.tmp`;
    try {
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify({ at: this.clock.now(), clean } satisfies Mark));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
    } catch (err) {
      this.log.warn('alive mark not written: %s', err instanceof Error ? err.message : String(err));
    }
  }
}
