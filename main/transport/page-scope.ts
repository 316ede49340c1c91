/**
 * One page of the console as main sees it: a socket of the headless shell, or one document of
 * Electron's window (a reload or a crashed renderer starts a new one). What main hands a page
 * that should not outlive it (stream tokens) registers here and ends with it: a link copied
 * out of a closed page opens nothing.
 */
export class PageScope {
  private readonly ends = new Set<() => void>();
  private over = false;

  /** Runs `fn` when the page ends (at once if it has). */
  onEnd(fn: () => void): void {
    if (this.over) fn();
    else this.ends.add(fn);
  }

  get ended(): boolean {
    return this.over;
  }

  end(): void {
    if (this.over) return;
    this.over = true;
    const fns = [...this.ends];
    this.ends.clear();
    for (const fn of fns) fn();
  }
}
