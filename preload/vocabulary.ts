/**
 * The console's vocabulary as zod enums: motives, zones, roles, end reasons, refusal and error
 * codes. One zod-only module that db/, main/, server/ and preload/ all import, so a code cannot
 * exist on one side and not the other, and the locale test can walk every one of them.
 */
import { z } from 'zod';

/** The six motives that may justify opening a flow (DOMAIN.md, « The rule »); French wording under `motives.` in the locales. */
export const MOTIVES = ['atteintes_integrite_physique', 'vols', 'degradations', 'attroupements', 'occupations_abusives', 'intervention_police'] as const;
export const Motive = z.enum(MOTIVES);
export type Motive = z.infer<typeof Motive>;

export const ZONES = ['hall', 'parking', 'sous_sol', 'parties_communes'] as const;
export const Zone = z.enum(ZONES);
export type Zone = z.infer<typeof Zone>;

export const SERVICE_KINDS = ['police_municipale', 'police_nationale'] as const;

export const ROLES = ['operateur', 'superviseur', 'administrateur'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** How a transmission ended (DOMAIN.md, « The registry »). */
export const END_REASONS = ['expired', 'stopped_by_operator', 'stopped_by_supervisor', 'application_stopped', 'fault'] as const;
export const EndReason = z.enum(END_REASONS);
export type EndReason = z.infer<typeof EndReason>;

/** Why the convention's rules refused a request: the renderer shows `refusals.<code>`. */
export const REFUSAL_CODES = [
  'SITE_UNKNOWN',
  'SITE_INACTIVE',
  'CONVENTION_MISSING',
  'CONVENTION_NOT_YET_VALID',
  'CONVENTION_EXPIRED',
  'NO_CAMERA',
  'CAMERA_NOT_OF_SITE',
  'CAMERA_INACTIVE',
  'MOTIVE_NOT_ALLOWED',
  'DURATION_NOT_INTEGER',
  'DURATION_TOO_SHORT',
  'DURATION_TOO_LONG',
  'DURATION_NOT_MULTIPLE_OF_15',
  'SERVICE_NOT_CONNECTED',
  'OPERATOR_UNKNOWN',
  'OPERATOR_INACTIVE',
  'OPERATOR_NOT_DESIGNATED',
  'OPERATOR_ROLE',
  'JUSTIFICATION_TOO_SHORT',
  'JUSTIFICATION_TOO_LONG',
  'JUSTIFICATION_CONTROL_CHARS',
  'RECORDING_NOT_ALLOWED',
  'RECORDING_REASON_INVALID',
  'CAMERA_ALREADY_TRANSMITTED',
] as const;
export const RefusalCode = z.enum(REFUSAL_CODES);
export type RefusalCode = z.infer<typeof RefusalCode>;

/**
 * Every error a call, or the console's start, can fail with: the renderer shows `errors.<code>`.
 * The first group may come from any method; the dispatcher adds them itself.
 */
export const COMMON_ERROR_CODES = ['INVALID_ARGUMENT', 'UNKNOWN_METHOD', 'NOT_LOGGED_IN', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED', 'UNAVAILABLE', 'INTERNAL'] as const;
export const ERROR_CODES = [
  ...COMMON_ERROR_CODES,
  'NOT_FOUND',
  'LOGIN_FAILED',
  'ACCOUNT_LOCKED',
  'GRANT_NOT_ACTIVE',
  'NOT_GRANT_HOLDER',
  'TAKEOVER_NOT_DESIGNATED',
  'PERIOD_INVALID',
  'PERIOD_TOO_LONG',
  'PASSWORD_WRONG',
  'PASSWORD_POLICY',
  'SETUP_DONE',
  'MATRICULE_TAKEN',
  'SELF_LOCKOUT',
  'SETTINGS_INVALID',
  'DB_NOT_SQLITE',
  'DB_SCHEMA_NEWER',
  'DB_OPEN_FAILED',
  'JOURNAL_INVALID_ENTRY',
  'JOURNAL_PAYLOAD_TOO_LARGE',
  'CATALOGUE_INVALID',
  'PERIOD_EMPTY',
  'REPORT_PERIOD_TOO_LONG',
  'SITE_UNKNOWN',
  'BAILLEUR_UNKNOWN',
  'SERVICE_UNKNOWN',
  'CENTRAL_NOT_CONFIGURED',
  'CENTRAL_UNREACHABLE',
  'CENTRAL_TLS',
  'CENTRAL_READER_REFUSED',
  'CENTRAL_ANSWER_INVALID',
  'CATALOGUE_CENTRAL',
  'CENTRAL_REFUSED',
  'CATALOGUE_CENTRAL_UNREACHABLE',
  'CATALOGUE_CENTRAL_NOT_CONFIGURED',
  'RECORDING_UNAVAILABLE',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Who may call a contract method. A superviseur has the opérateur's rights; an administrateur is an opérateur only when designated. */
export const ACCESS = ['public', 'operator', 'supervisor', 'admin'] as const;
export type Access = (typeof ACCESS)[number];

/** A camera stream's state and fault, for its tile. */
export const STREAM_STATES = ['connecting', 'live', 'reconnecting', 'error', 'stopped'] as const;
export const STREAM_ERROR_CODES = ['UNREACHABLE', 'AUTH_FAILED', 'CODEC_UNSUPPORTED', 'NO_DATA', 'STREAM_ENDED', 'FFMPEG_FAILED'] as const;

/** Why the central server refused a batch (server/store.ts ConflictKind); French text in `mirror.conflictReasons.<kind>`. */
export const MIRROR_CONFLICT_KINDS = ['gap', 'divergence', 'invalid', 'duplicate'] as const;

/** Formats of the registry report (« Rapport du registre ») and what the shell does with the file. */
export const REPORT_FORMATS = ['pdf', 'csv'] as const;
export const REPORT_DELIVERIES = ['save', 'print'] as const;

/** The mirror's states (header badge `mirror.<state>`). */
export const MIRROR_STATES = ['not_configured', 'starting', 'synchronised', 'pending', 'offline', 'conflict', 'refused', 'too_large'] as const;

/** Why the central server refused this console (401/403): its token, its enrolment, or its signature; French text in `mirror.refusedReasons.<reason>`. */
export const MIRROR_REFUSAL_REASONS = ['token', 'not_enrolled', 'bad_signature', 'enrolment_code_refused'] as const;

/** Where a registry report reads its transmissions: this console's registry, or the central registry of every console. */
export const REPORT_SOURCES = ['local', 'central'] as const;
