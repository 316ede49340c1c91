/**
 * The administrateur's part of the contract (issue G2): what the admin screens see and send.
 * Zod only, like the rest of preload/; `contract.ts` wires these into methods. No schema here
 * carries a secret outwards: a camera's password and the mirror's token only ever travel in.
 */
import { z } from 'zod';
import { MOTIVES, ROLES, SERVICE_KINDS, ZONES } from './vocabulary';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/);
const matricule = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const text = (max: number) => z.string().trim().min(1).max(max);
/** A password travelling in: at most 200 characters (the policy itself is checked in main). */
const secretIn = z.string().min(1).max(200);

export const AdminCatalogueView = z.object({
  version: z.number(),
  bailleurs: z.array(z.object({ id: z.string(), name: z.string(), active: z.boolean() })),
  services: z.array(z.object({ id: z.string(), name: z.string(), kind: z.enum(SERVICE_KINDS), active: z.boolean() })),
  sites: z.array(z.object({ id: z.string(), name: z.string(), bailleurId: z.string(), addresses: z.array(z.string()), town: z.string(), homes: z.number(), active: z.boolean() })),
  cameras: z.array(
    z.object({
      id: z.string(),
      siteId: z.string(),
      label: z.string(),
      zone: z.enum(ZONES),
      /** Without credentials: they are stored apart (user name here, password in the secret store). */
      url: z.string(),
      subStreamUrl: z.string().nullable(),
      username: z.string().nullable(),
      /** Only whether a password is stored (« •••• (enregistré) »), never the password. */
      hasPassword: z.boolean(),
      active: z.boolean(),
    }),
  ),
  conventions: z.array(
    z.object({
      id: z.string(),
      siteId: z.string(),
      parties: z.array(z.string()),
      signedOn: z.string().nullable(),
      validFrom: z.string(),
      validTo: z.string(),
      motives: z.array(z.enum(MOTIVES)),
      minDurationMin: z.number(),
      maxDurationMin: z.number(),
      serviceIds: z.array(z.string()),
      recordingAllowed: z.boolean(),
      retentionDays: z.number().nullable(),
    }),
  ),
  operators: z.array(
    z.object({
      matricule: z.string(),
      name: z.string(),
      role: z.enum(ROLES),
      designated: z.boolean(),
      designatedSince: z.string().nullable(),
      designationRef: z.string().nullable(),
      active: z.boolean(),
      mustChangePassword: z.boolean(),
    }),
  ),
  mirror: z.object({ serverUrl: z.string().nullable(), hasToken: z.boolean(), hasEnrolmentCode: z.boolean(), hasReaderToken: z.boolean(), caFile: z.string().nullable() }),
});
export type AdminCatalogueView = z.infer<typeof AdminCatalogueView>;

export const SaveBailleurArgs = z.object({ id, name: text(200), active: z.boolean() }).strict();
export const SaveServiceArgs = z.object({ id, name: text(200), kind: z.enum(SERVICE_KINDS), active: z.boolean() }).strict();
export const SaveSiteArgs = z.object({ id, name: text(200), bailleurId: id, addresses: z.array(text(300)).min(1).max(20), town: text(200), homes: z.number().int().positive().max(100000), active: z.boolean() }).strict();
export const SaveCameraArgs = z
  .object({
    id,
    siteId: id,
    label: text(200),
    zone: z.enum(ZONES),
    url: z.string().min(1).max(2000),
    subStreamUrl: z.string().min(1).max(2000).nullable(),
    username: text(100).nullable(),
    /** A new password replaces the stored one; absent keeps it; null removes it. */
    password: secretIn.nullable().optional(),
    active: z.boolean(),
  })
  .strict();
export const SaveConventionArgs = z
  .object({
    id,
    siteId: id,
    parties: z.array(text(200)).min(3).max(10),
    signedOn: isoDate.nullable(),
    validFrom: isoDate,
    validTo: isoDate,
    motives: z.array(z.enum(MOTIVES)).min(1).max(MOTIVES.length),
    minDurationMin: z.number().int(),
    maxDurationMin: z.number().int(),
    serviceIds: z.array(id).min(1).max(20),
    recordingAllowed: z.boolean(),
    retentionDays: z.number().int().nullable(),
  })
  .strict();
export const SaveOperatorArgs = z
  .object({
    /** true: a new operator (refused if the matricule exists); false: an edit. */
    create: z.boolean(),
    matricule,
    name: text(200),
    role: z.enum(ROLES),
    designated: z.boolean(),
    designatedSince: isoDate.nullable(),
    designationRef: text(200).nullable(),
    active: z.boolean(),
  })
  .strict();

/** One problem of an imported file, with its JSON path (French text from `importErrors.<code>`). */
export const FileProblemView = z.object({ path: z.string(), code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() });
export const CatalogueChangeView = z.object({ entity: z.string(), id: z.string(), change: z.enum(['created', 'updated', 'deactivated']), fields: z.array(z.string()) });
export const ImportResultView = z.object({
  applied: z.boolean(),
  problems: z.array(FileProblemView),
  changes: z.array(CatalogueChangeView),
  version: z.number(),
  /** New operators' temporary passwords: shown once, to hand over; they must be changed at first login. */
  temporaryPasswords: z.array(z.object({ matricule: z.string(), password: z.string() })),
});
export type ImportResultView = z.infer<typeof ImportResultView>;

/** Technical facts about a camera, never a picture (no image outside a grant, DOMAIN.md). */
const StreamTestFacts = z.object({
  reachable: z.boolean(),
  authOk: z.boolean().nullable(),
  codec: z.string().nullable(),
  profile: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  fps: z.number().nullable(),
  error: z.enum(['UNREACHABLE', 'AUTH_FAILED', 'CODEC_UNSUPPORTED', 'NO_DATA', 'STREAM_ENDED', 'FFMPEG_FAILED', 'TIMEOUT']).nullable(),
  elapsedMs: z.number(),
});
export type StreamTestFacts = z.infer<typeof StreamTestFacts>;
/** The main stream's facts, and the sub stream's when the camera has one (the grid plays the sub stream: both matter). */
export const CameraTestView = StreamTestFacts.extend({ sub: StreamTestFacts.optional() });
export type CameraTestView = z.infer<typeof CameraTestView>;

export const MirrorTestView = z.object({
  ok: z.boolean(),
  error: z.enum(['NOT_CONFIGURED', 'REFUSED', 'TIMEOUT', 'CERTIFICATE', 'HOSTNAME', 'UNREACHABLE', 'TOKEN_REFUSED', 'HTTP_ERROR', 'NOT_ENROLLED', 'SIGNATURE_INVALID']).nullable(),
  status: z.number().nullable(),
  elapsedMs: z.number(),
  /** The reader token (« tous les postes du CSU »), tried when one is stored. */
  reader: z.enum(['ok', 'refused', 'error']).optional(),
});
export type MirrorTestView = z.infer<typeof MirrorTestView>;

/** Conventions that lapse within 30 days, or have lapsed (banner for superviseurs and administrateurs). */
export const ConventionAlertView = z.object({ conventionId: z.string(), siteId: z.string(), siteName: z.string(), validTo: z.string(), daysLeft: z.number(), lapsed: z.boolean() });
export type ConventionAlertView = z.infer<typeof ConventionAlertView>;

/**
 * The central catalogue as this console follows it (issue G2, several consoles): the central
 * version it last applied, when it last asked, whether it may publish, what went wrong last time.
 */
export const CentralCatalogueView = z.object({
  /** A central server is configured: the catalogue comes from it (local edits only where `canPublish`). */
  following: z.boolean(),
  canPublish: z.boolean(),
  version: z.number().nullable(),
  publishedAt: z.number().nullable(),
  /** « console/matricule ». */
  publishedBy: z.string().nullable(),
  checkedAt: z.number().nullable(),
  lastError: z.enum(['UNREACHABLE', 'TOKEN_REFUSED', 'INVALID', 'HTTP_ERROR']).nullable(),
});
export type CentralCatalogueView = z.infer<typeof CentralCatalogueView>;
