/**
 * The incident review's service (issue G3): the timeline of a period, the journal entry behind a
 * marker, the evidence bundle. Every review and every export is itself journaled (who looked at
 * what, when: CNIL, 2021).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { appendEntry } from '../../db/journal';
import { purgedGrants, segmentEntries } from '../../db/recordings';
import type { OnceProducer } from '../relay/once-sockets';
import { checkSegments, sendWindow, spansOf, windowOf, type CheckedSegment } from '../recording/playback';
import { entryBySeq } from '../../db/review';
import type { EvidenceView, JournalEntryView, PlayView, RecordingView, TimelineView } from '../../preload/review';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { mainT } from '../i18n';
import { publicKeyOf, signHead } from '../../db/journal-signature';
import { type BundleSigning, writeEvidenceBundle } from './bundle';
import { buildTimeline } from './timeline';
import { exportRecordings } from './recordings-export';

/** A review covers at most a quarter: longer, and it is a report, not a timeline. */
export const MAX_REVIEW_DAYS = 92;

export interface ReviewQuery {
  from: number;
  to: number;
  siteId?: string | undefined;
  cameraIds?: string[] | undefined;
}

/** Where the recordings are and how to play them (main/recording/); absent in tests that need none. */
export interface ReviewRecordings {
  root: string;
  key: () => Buffer;
  /** A one-time loopback socket that sends what the producer gives it (relay.offerOnce). */
  offer: (run: OnceProducer) => string;
  log: (m: string) => void;
  ffmpegPath: string;
}

export class ReviewService {
  constructor(
    private readonly o: {
      db: Knex;
      consoleId: string;
      clock: Clock;
      dataDir: string;
      pdfSummary?: (from: number, to: number, siteId: string | undefined, by: string) => Promise<Buffer>;
      /** The console's signing key (PEM), where the mirror made one: bundles then carry signatures (G6). */
      signingKey?: () => string | undefined;
      recordings?: ReviewRecordings;
    },
  ) {}

  private async checked(grantId: string, cameraId: string): Promise<CheckedSegment[]> {
    const entries = await segmentEntries(this.o.db, this.o.consoleId, grantId, cameraId);
    if (entries.length === 0 || !this.o.recordings) throw new AppError('NOT_FOUND', 'no recording of this grant and camera');
    return await checkSegments(this.o.recordings.root, entries, await purgedGrants(this.o.db, this.o.consoleId, grantId));
  }

  /** The spans of a recording, each checked against its journal entry (present, missing, altered, destroyed). */
  async recording(grantId: string, cameraId: string): Promise<RecordingView> {
    return { grantId, cameraId, spans: spansOf(await this.checked(grantId, cameraId)) };
  }

  /** Up to ten minutes from `from`, decrypted in main, on a one-time socket; who looked at what is journaled. */
  async play(a: { grantId: string; cameraId: string; from: number }, actor: string): Promise<PlayView> {
    const segs = await this.checked(a.grantId, a.cameraId);
    const w = windowOf(segs, a.from);
    if (w.play.length === 0) throw new AppError('RECORDING_UNAVAILABLE', 'nothing playable at this instant');
    const rec = this.o.recordings!;
    const url = rec.offer((send) => sendWindow(w.play, rec.key(), send, rec.log));
    await appendEntry(this.o.db, this.o.consoleId, { kind: 'recording.viewed', actor, ts: this.o.clock.now(), payload: { grantId: a.grantId, cameraId: a.cameraId, from: w.from, to: w.to } });
    return { url, from: w.from, to: w.to, spans: spansOf(segs) };
  }

  private check(q: ReviewQuery): void {
    if (q.to <= q.from) throw new AppError('PERIOD_INVALID', 'the period ends before it starts');
    if (q.to - q.from > MAX_REVIEW_DAYS * 86400000) throw new AppError('PERIOD_TOO_LONG', `a review covers at most ${MAX_REVIEW_DAYS} days`);
  }

  async timeline(q: ReviewQuery, actor: string): Promise<TimelineView> {
    this.check(q);
    const t = await buildTimeline(this.o.db, this.o.consoleId, q);
    await appendEntry(this.o.db, this.o.consoleId, { kind: 'review.viewed', actor, ts: this.o.clock.now(), payload: { from: q.from, to: q.to, ...(q.siteId ? { siteId: q.siteId } : {}), ...(q.cameraIds ? { cameraIds: q.cameraIds } : {}) } });
    return t;
  }

  async entry(seq: number): Promise<JournalEntryView> {
    const e = await entryBySeq(this.o.db, this.o.consoleId, seq);
    if (!e) throw new AppError('NOT_FOUND', `no entry ${seq}`);
    return { seq: e.seq, uuid: e.uuid, ts: e.ts, kind: e.kind, actor: e.actor, payload: e.payload, prevHash: e.prev_hash, hash: e.hash };
  }

  private signing(): BundleSigning | undefined {
    const key = this.o.signingKey?.();
    if (!key) return undefined;
    return { publicKeyPem: publicKeyOf(key), sign: (seq, hash) => signHead(key, this.o.consoleId, seq, hash) };
  }

  async exportEvidence(q: ReviewQuery, actor: string): Promise<EvidenceView> {
    this.check(q);
    const now = this.o.clock.now();
    const timeline = await buildTimeline(this.o.db, this.o.consoleId, q);
    const cameraIds = q.cameraIds ?? timeline.lanes.map((l) => l.cameraId);
    const pdf = this.o.pdfSummary ? await this.o.pdfSummary(q.from, q.to, q.siteId, actor) : undefined;
    // The recorded transmissions' cameras of the period, as MP4 by copy, with the entries that prove them.
    const rec = this.o.recordings;
    const pairs = timeline.lanes.filter((l) => cameraIds.includes(l.cameraId)).flatMap((l) => l.bars.filter((b) => b.recorded).map((b) => ({ grantId: b.grantId, cameraId: l.cameraId })));
    const workDir = path.join(this.o.dataDir, 'exports', `.tmp-${now}`);
    try {
      const recs = rec && pairs.length > 0 ? await exportRecordings({ db: this.o.db, consoleId: this.o.consoleId, root: rec.root, key: rec.key, ffmpegPath: rec.ffmpegPath, from: q.from, to: q.to, pairs, workDir }) : undefined;
      const problems = recs?.recordings.reduce((n, r) => n + r.excluded.length, 0) ?? 0;
      return await this.writeBundle(q, actor, now, cameraIds, timeline, pdf, recs, problems);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }

  private async writeBundle(q: ReviewQuery, actor: string, now: number, cameraIds: string[], timeline: TimelineView, pdf: Buffer | undefined, recs: Awaited<ReturnType<typeof exportRecordings>> | undefined, problems: number): Promise<EvidenceView> {
    const t = mainT();
    const fmt = (ms: number) => new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' }).format(ms);
    const r = await writeEvidenceBundle(this.o.db, {
      ...(pdf ? { extra: [{ name: 'rapport.pdf', data: pdf }] } : {}),
      signing: this.signing(),
      ...(recs ? { onDisk: recs.files, recordings: recs.recordings, lastSeqAtLeast: recs.lastSeq } : {}),
      consoleId: this.o.consoleId,
      from: q.from,
      to: q.to,
      cameraIds,
      actor,
      now,
      dir: path.join(this.o.dataDir, 'exports'),
      summary: ({ entries }) =>
        [
          t('review.bundle.title'),
          t('review.bundle.console', { id: this.o.consoleId }),
          t('review.bundle.period', { from: fmt(q.from), to: fmt(q.to) }),
          t('review.bundle.by', { who: actor, when: fmt(now) }),
          t('review.bundle.cameras', { list: timeline.lanes.filter((l) => cameraIds.includes(l.cameraId)).map((l) => `${l.siteName} — ${l.label}`).join(' ; ') || '—' }),
          t('review.bundle.transmissions', { count: new Set(timeline.lanes.flatMap((l) => l.bars.map((b) => b.grantId))).size }),
          t('review.bundle.entries', { count: entries }),
          ...(recs && recs.recordings.length > 0
            ? [t('review.bundle.recordingsCount', { count: recs.files.length }), ...recs.recordings.flatMap((x) => x.excluded.map((e) => t(`review.bundle.excluded.${e.status}`, { camera: x.cameraId, seq: e.seq, from: fmt(e.start) })))]
            : [t('review.bundle.recordings')]),
          t('review.bundle.howToVerify'),
          '',
        ].join('\n'),
    });
    await appendEntry(this.o.db, this.o.consoleId, { kind: 'evidence.exported', actor, ts: now, payload: { from: q.from, to: q.to, cameraIds, entries: r.entries, files: r.files, bytes: r.bytes, sha256: r.sha256 } });
    return { fileName: path.basename(r.file), path: r.file, bytes: r.bytes, sha256: r.sha256, entries: r.entries, files: r.files, ...(recs ? { recordings: recs.files.length, recordingProblems: problems } : {}) };
  }
}
