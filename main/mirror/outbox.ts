/**
 * The mirror's side of the local journal: where the acknowledged cursor is, the next batch (read
 * while the current one is on its way), what is still to send, and the acknowledgements and batch
 * signatures written back. No network here; mirror.ts speaks to the server.
 */
import type { Knex } from 'knex';
import { entriesAfter, lastSeqOf } from '../../db/journal';
import type { JournalEntry } from '../../db/journal-codec';
import { mirrorAckedSeq, saveBatchSignature, saveMirrorAck, type BatchSignature } from '../../db/mirror-state';

export class Outbox {
  /** The next batch, read ahead: the entries after `after`. */
  private ahead: { after: number; limit: number; entries: Promise<JournalEntry[]> } | undefined;
  /** The acknowledged seq as last saved here (the database's copy may still be on its way: `saving`). */
  private cursor: number | undefined;
  private saving: Promise<void> | undefined;

  constructor(
    private readonly db: Knex,
    private readonly consoleId: string,
  ) {}

  async acked(): Promise<number> {
    return this.cursor ?? mirrorAckedSeq(this.db, this.consoleId);
  }

  /** Up to `limit` entries after `acked`: the batch read ahead if it starts there, else read now. */
  async after(acked: number, limit: number): Promise<JournalEntry[]> {
    const ahead = this.ahead;
    this.ahead = undefined;
    return ahead && ahead.after === acked && ahead.limit === limit ? ahead.entries : entriesAfter(this.db, this.consoleId, acked, limit);
  }

  /**
   * Reads the batch after `after` while the current one is on its way (the server's commit is
   * most of a batch's time). Only a read: nothing is sent before the current batch is
   * acknowledged, so the order and the chain stay the server's to check. Dropped unless the
   * cursor lands on it.
   */
  readAhead(after: number, limit: number): void {
    const entries = entriesAfter(this.db, this.consoleId, after, limit);
    entries.catch(() => undefined);
    this.ahead = { after, limit, entries };
  }

  /**
   * Moves the cursor to `seq` and writes it, with the batch's signature (kept for evidence
   * bundles, G6), while the next batch is on its way; `settle` before acting on the next answer.
   * A crash before it is on disk only means resending entries the server acknowledges again.
   */
  acknowledge(ack: { seq: number; hash: string | null; at: number }, signature?: BatchSignature): void {
    this.cursor = ack.seq;
    this.saving = saveMirrorAck(this.db, this.consoleId, ack).then(() => (signature ? saveBatchSignature(this.db, this.consoleId, { ...signature, at: ack.at }) : undefined));
    this.saving.catch(() => undefined);
  }

  /** The acknowledgement being written, if any; on failure the cursor is read from the database again. */
  async settle(): Promise<void> {
    const saving = this.saving;
    this.saving = undefined;
    try {
      await saving;
    } catch (err) {
      this.cursor = undefined;
      throw err;
    }
  }

  /** Back to what the server holds (after a restore), written before anything is resent. */
  async moveBack(ack: { seq: number; hash: string | null; at: number }): Promise<void> {
    await this.settle();
    await saveMirrorAck(this.db, this.consoleId, ack);
    this.cursor = ack.seq;
  }

  /**
   * Entries after `acked`: the journal's last seq minus it (seqs follow each other, the chain
   * checks it), an index look-up where counting walked every pending row after every batch.
   */
  async pendingAfter(acked: number): Promise<number> {
    return Math.max(0, (await lastSeqOf(this.db, this.consoleId)) - acked);
  }
}
