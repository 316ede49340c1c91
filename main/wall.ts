import type { EndReason } from '../preload/contract';
import type { EventBus } from './events';
import type { Grant } from './grants/service';

export interface WallEntry {
  grant: Grant;
  /** Set once main ended the grant: its tiles collapse to a strip the operator closes. */
  ended?: EndReason;
}

/**
 * Which grants this console's wall shows, in the order they were opened. Main's state, not the
 * page's: a reload (F5), a crashed renderer or a new window asks for it and reopens the same
 * tiles with new stream tokens (each reopening journaled by `openStreams`).
 */
export class WallState {
  private readonly entries = new Map<string, WallEntry>();

  constructor(events: EventBus) {
    events.subscribe((event, payload) => {
      if (event !== 'grant.ended') return;
      const { grantId, reason } = payload as { grantId: string; reason: EndReason };
      const e = this.entries.get(grantId);
      if (e) e.ended = reason;
    });
  }

  /** A grant's streams were opened on this console: its tiles are on the wall. */
  show(grant: Grant): void {
    const e = this.entries.get(grant.id);
    if (e) {
      e.grant = grant;
      return;
    }
    // A renewal takes its predecessor's place: same tiles, same order.
    if (grant.renews !== undefined && this.entries.has(grant.renews)) {
      const next = new Map<string, WallEntry>();
      for (const [id, x] of this.entries) {
        if (id === grant.renews) next.set(grant.id, { grant });
        else next.set(id, x);
      }
      this.entries.clear();
      for (const [id, x] of next) this.entries.set(id, x);
      return;
    }
    this.entries.set(grant.id, { grant });
  }

  /** The operator closed an ended grant's strip. A running grant stays: it is closed by stopping it. */
  dismiss(grantId: string): boolean {
    const e = this.entries.get(grantId);
    if (!e?.ended) return false;
    this.entries.delete(grantId);
    return true;
  }

  /** What the wall shows for this holder (another operator's grants are theirs until a hand-over). */
  list(holder: string): WallEntry[] {
    return [...this.entries.values()].filter((e) => e.grant.holder === holder);
  }
}
