/**
 * The incident review's part of the contract (issue G3): a period's lanes (one per camera, a bar
 * per transmission) and markers (every journaled event), the journal entry behind a marker, and
 * the evidence bundle. Zod only.
 */
import { z } from 'zod';
import { END_REASONS, MOTIVES, ZONES } from './vocabulary';

const ms = z.number().int().nonnegative();
const id = z.string().min(1).max(100);

/** The period is checked in main (PERIOD_INVALID, PERIOD_TOO_LONG), with French messages. */
export const TimelineArgs = z.object({ from: ms, to: ms, siteId: id.optional(), cameraIds: z.array(id).min(1).max(64).optional() }).strict();

export const TimelineBarView = z.object({
  grantId: z.string(),
  start: z.number(),
  /** Its end, or the scheduled end while it runs. */
  end: z.number(),
  ongoing: z.boolean(),
  endReason: z.enum(END_REASONS).nullable(),
  operator: z.string(),
  motive: z.enum(MOTIVES),
  serviceName: z.string(),
  /** This camera of this transmission was recorded (journaled segments exist): a click plays it. */
  recorded: z.boolean().optional(),
});
export const TimelineMarkerView = z.object({
  seq: z.number(),
  ts: z.number(),
  kind: z.string(),
  actor: z.string(),
  /** The lane it belongs to; none: a console-wide event (login, report, catalogue change…). */
  cameraId: z.string().nullable(),
  grantId: z.string().nullable(),
});
export const TimelineView = z.object({
  from: z.number(),
  to: z.number(),
  lanes: z.array(z.object({ cameraId: z.string(), label: z.string(), zone: z.enum(ZONES), siteName: z.string(), bars: z.array(TimelineBarView) })),
  markers: z.array(TimelineMarkerView),
  /** More events than shown (the first `markers.length` in time order are). */
  truncated: z.boolean(),
  totalEvents: z.number(),
});
export type TimelineView = z.infer<typeof TimelineView>;

export const JournalEntryView = z.object({ seq: z.number(), uuid: z.string(), ts: z.number(), kind: z.string(), actor: z.string(), payload: z.unknown(), prevHash: z.string(), hash: z.string() });
export type JournalEntryView = z.infer<typeof JournalEntryView>;

export const EvidenceArgs = TimelineArgs;
export const EvidenceView = z.object({
  fileName: z.string(),
  path: z.string(),
  bytes: z.number(),
  sha256: z.string(),
  entries: z.number(),
  files: z.number(),
  /** MP4 files in the bundle, and recorded segments left out (missing, altered, destroyed). */
  recordings: z.number().optional(),
  recordingProblems: z.number().optional(),
});
export type EvidenceView = z.infer<typeof EvidenceView>;

/** A recording in the review (issue G3): what the journal says was recorded, checked against the disk. */
export const RecordingArgs = z.object({ grantId: z.string().uuid(), cameraId: id }).strict();
export const RECORDING_SPAN_STATUSES = ['ok', 'missing', 'altered', 'purged'] as const;
export const RecordingSpanView = z.object({ start: z.number(), end: z.number(), status: z.enum(RECORDING_SPAN_STATUSES) });
export const RecordingView = z.object({ grantId: z.string(), cameraId: z.string(), spans: z.array(RecordingSpanView) });
export type RecordingView = z.infer<typeof RecordingView>;
/** A playback window from `from` (at most ten minutes), journaled as recording.viewed. */
export const PlayArgs = z.object({ grantId: z.string().uuid(), cameraId: id, from: ms }).strict();
export const PlayView = z.object({ url: z.string(), from: z.number(), to: z.number(), spans: z.array(RecordingSpanView) });
export type PlayView = z.infer<typeof PlayView>;
