/** Every kind of journal entry and the schema of its payload. An unknown kind is refused. */
import { z } from 'zod';
import { END_REASONS, MOTIVES, ZONES } from '../preload/vocabulary';

const id = z.string().min(1).max(100);
// 8.64e15 ms is the largest JavaScript date: a bigger « time » is not one (and overflows a bigint column).
const ms = z.number().int().nonnegative().max(8.64e15);
const matricule = z.string().min(1).max(32);

export { END_REASONS, type EndReason } from '../preload/vocabulary';

const CameraRef = z.object({ id, label: z.string().min(1).max(200), zone: z.enum(ZONES) }).strict();

export const payloadSchemas = {
  'request.accepted': z
    .object({
      grantId: id,
      siteId: id,
      siteName: z.string().min(1).max(200),
      conventionId: id,
      cameras: z.array(CameraRef).min(1).max(64),
      motive: z.enum(MOTIVES),
      justification: z.string().min(10).max(1000),
      durationMin: z.number().int().min(120).max(720),
      serviceId: id,
      serviceName: z.string().min(1).max(200),
      operator: z.object({ matricule, name: z.string().min(1).max(200) }).strict(),
      startsAt: ms,
      endsAt: ms,
      /** The grant this request renews (same site, asked before its end, justified again). */
      renews: id.optional(),
      /** Recorded, where the convention allows it: why, and the retention the convention gave it (CSI L252-5: 30 days at most). */
      record: z.object({ reason: z.string().min(10).max(1000), retentionDays: z.number().int().min(1).max(30) }).strict().optional(),
    })
    .strict(),
  'request.refused': z
    .object({
      siteId: id.optional(),
      cameraIds: z.array(z.string().max(100)).max(64),
      motive: z.string().max(100).optional(),
      durationMin: z.number().optional(),
      serviceId: z.string().max(100).optional(),
      operator: matricule,
      reasons: z.array(z.string().min(1).max(100)).min(1),
    })
    .strict(),
  'transmission.started': z.object({ grantId: id, startedAt: ms }).strict(),
  'transmission.ended': z
    .object({
      grantId: id,
      reason: z.enum(END_REASONS),
      scheduledEndAt: ms,
      observedAt: ms,
      endedAt: ms,
      noticedAtStart: z.boolean().optional(),
      /** Who stopped it early: the holder, or a superviseur stopping another operator's grant. */
      stoppedBy: matricule.optional(),
      detail: z.string().max(500).optional(),
    })
    .strict(),
  'transmission.resumed': z.object({ grantId: id, resumedAt: ms, endsAt: ms }).strict(),
  /** The console was down (crash, power cut) from `from` (its last « alive » mark) to `to` (its next start): no image flowed. */
  'transmission.interrupted': z.object({ grantId: id, from: ms, to: ms }).strict(),
  'stream.opened': z.object({ grantId: id, cameraId: id }).strict(),
  /** A designated operator opened the streams of a grant another operator requested (shift change). */
  'grant.taken_over': z.object({ grantId: id, from: matricule, to: matricule }).strict(),
  /** A change of the catalogue (operators, designations, cameras, conventions); never a secret. */
  'catalogue.changed': z
    .object({
      entity: z.enum(['site', 'camera', 'convention', 'service', 'operator', 'bailleur']),
      id,
      change: z.enum(['created', 'updated', 'deactivated', 'renewed']),
      before: z.record(z.string(), z.unknown()).nullable(),
      after: z.record(z.string(), z.unknown()).nullable(),
      /** The central server's catalogue version this change came from (absent for a local edit). */
      central: z.object({ version: z.number().int().positive(), sha256: z.string().regex(/^[0-9a-f]{64}$/), publishedBy: z.string().min(1).max(100) }).strict().optional(),
    })
    .strict(),
  'stream.closed': z.object({ grantId: id, cameraId: id, reason: z.string().min(1).max(100) }).strict(),
  'session.opened': z.object({ matricule }).strict(),
  /** An incident review (who looked at which period and cameras): traceable access (CNIL, 2021). */
  'review.viewed': z.object({ from: ms, to: ms, siteId: id.optional(), cameraIds: z.array(id).max(64).optional() }).strict(),
  /** An evidence bundle written: its period, cameras, size and SHA-256. */
  'evidence.exported': z.object({ from: ms, to: ms, cameraIds: z.array(id).max(64), entries: z.number().int().nonnegative(), files: z.number().int().nonnegative(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
  'session.password_changed': z.object({ matricule, wasTemporary: z.boolean() }).strict(),
  'session.closed': z.object({ matricule, reason: z.enum(['logout', 'application_stopped', 'timeout']) }).strict(),
  'session.login_failed': z.object({ matricule: z.string().max(64), reason: z.enum(['unknown', 'bad_password', 'locked', 'inactive']), lockedUntil: ms.optional() }).strict(),
  /** `source`: this console's registry or the central one (« tous les postes du CSU »: which server, how many consoles). */
  'report.generated': z
    .object({
      format: z.enum(['pdf', 'csv']),
      filters: z.record(z.string(), z.unknown()),
      rows: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      source: z.enum(['local', 'central']).optional(),
      server: z.string().max(300).optional(),
      consoles: z.number().int().nonnegative().optional(),
    })
    .strict(),
  /**
   * Refused requests or failed logins beyond a few a minute for one matricule, counted into one
   * entry per minute (« 37 tentatives refusées ») instead of one entry each: never dropped.
   */
  'attempts.summarised': z
    .object({
      of: z.enum(['request.refused', 'session.login_failed']),
      key: z.string().max(64),
      from: ms,
      to: ms,
      count: z.number().int().positive(),
      reasons: z.record(z.string().max(100), z.number().int().positive()),
    })
    .strict(),
  'registry.verified': z.object({ ok: z.boolean(), checked: z.number().int().nonnegative(), firstBrokenSeq: z.number().int().optional(), reason: z.string().max(100).optional() }).strict(),
  'mirror.conflict': z
    .object({ status: z.number().int(), expectedSeq: z.number().int().optional(), seq: z.number().int().optional(), kind: z.enum(['gap', 'divergence', 'invalid', 'duplicate']).optional(), message: z.string().max(500) })
    .strict(),
  /** The central server was behind this console (restored from a backup): the mirror resends from the server's last entry. */
  'mirror.resync': z.object({ serverSeq: z.number().int().nonnegative(), ackedSeq: z.number().int().nonnegative() }).strict(),
  /**
   * One sealed recording segment (main/recording/): where, when, how big, and two SHA-256 — of the
   * TS it holds (the footage, whatever key or IV sealed it: what an exported MP4 is remuxed from)
   * and of the file stored (checked without the key, before decrypting: a swapped or edited file
   * is named at once, and the purge names exactly what it destroyed). `interrupted`: a segment a
   * crash left open, re-sealed at the next start.
   */
  'recording.segment': z
    .object({
      grantId: id,
      cameraId: id,
      file: z.string().min(1).max(300),
      start: ms,
      end: ms,
      bytes: z.number().int().nonnegative(),
      storedBytes: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      storedSha256: z.string().regex(/^[0-9a-f]{64}$/),
      interrupted: z.boolean().optional(),
    })
    .strict(),
  /** Recordings past their convention's retention destroyed (at start and every hour). */
  'recording.purged': z
    .object({
      grants: z.array(z.object({ grantId: id, retentionDays: z.number().int().min(1).max(30), segments: z.number().int().positive(), bytes: z.number().int().nonnegative(), lastEnd: ms }).strict()).max(1000),
      segments: z.number().int().nonnegative(),
      bytes: z.number().int().nonnegative(),
    })
    .strict(),
  /** A grant's recording stopped before the grant (its live view goes on). */
  'recording.stopped': z.object({ grantId: id, reason: z.enum(['disk_low', 'quota', 'write_failed']), detail: z.string().max(300).optional() }).strict(),
  /** Someone played a recording back in the review (who looked at recorded images: CNIL, 2021). */
  'recording.viewed': z.object({ grantId: id, cameraId: id, from: ms, to: ms }).strict(),
} as const;

export type EntryKind = keyof typeof payloadSchemas;
export type PayloadOf<K extends EntryKind> = z.infer<(typeof payloadSchemas)[K]>;
export const ENTRY_KINDS = Object.keys(payloadSchemas) as [EntryKind, ...EntryKind[]];

export function payloadSchemaOf(kind: EntryKind): z.ZodType {
  return payloadSchemas[kind];
}

export function isEntryKind(kind: string): kind is EntryKind {
  return Object.prototype.hasOwnProperty.call(payloadSchemas, kind);
}
