/**
 * The catalogue as a file (issue G2): what an administrateur imports and exports. One JSON
 * document, cameras and conventions inside their site. Validation returns every problem at once,
 * each with its JSON path (« sites[1].cameras[0].zone ») and a stable code the callers turn into
 * French through the locales (`importErrors.<code>`); nothing here is user-facing text.
 */
import { z } from 'zod';
import { MOTIVES, ROLES, SERVICE_KINDS, ZONES } from './motives';
import { lastDayOfOneYear } from './catalogue';

/** A file larger than this is refused before it is parsed (a catalogue of a few hundred cameras is a few hundred KB). */
export const MAX_CATALOGUE_FILE_BYTES = 2 * 1024 * 1024;
/** Password policy for operators (temporary and chosen alike). */
export const MIN_PASSWORD_LENGTH = 12;

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, { message: 'id' });
const matricule = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, { message: 'matricule' });
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'date' })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { message: 'date' });
const text = (max: number) => z.string().trim().min(1).max(max);
const streamUrl = z.string().max(2000);

const FileCamera = z
  .object({
    id,
    label: text(200),
    zone: z.enum(ZONES),
    url: streamUrl,
    subStreamUrl: streamUrl.optional(),
    username: text(100).optional(),
    /** Imported into the secret store; never exported, journaled or shown. */
    password: z.string().min(1).max(200).optional(),
    active: z.boolean().default(true),
  })
  .strict();

const FileConvention = z
  .object({
    id,
    parties: z.array(text(200)).min(3).max(10),
    signedOn: isoDate.optional(),
    validFrom: isoDate,
    validTo: isoDate,
    motives: z.array(z.enum(MOTIVES)).min(1).max(MOTIVES.length),
    minDurationMin: z.number().int().min(120).max(720).default(120),
    maxDurationMin: z.number().int().min(120).max(720).default(720),
    serviceIds: z.array(id).min(1).max(20),
    recording: z.object({ allowed: z.boolean(), retentionDays: z.number().int().min(1).max(30).optional() }).strict().default({ allowed: false }),
  })
  .strict();

const FileSite = z
  .object({
    id,
    name: text(200),
    bailleurId: id,
    addresses: z.array(text(300)).min(1).max(20),
    town: text(200),
    homes: z.number().int().positive().max(100000),
    active: z.boolean().default(true),
    cameras: z.array(FileCamera).max(500).default([]),
    conventions: z.array(FileConvention).max(50).default([]),
  })
  .strict();

const FileOperator = z
  .object({
    matricule,
    name: text(200),
    role: z.enum(ROLES),
    designated: z.boolean(),
    designatedSince: isoDate.optional(),
    designationRef: text(200).optional(),
    active: z.boolean().default(true),
    /** For a new operator (or a reset): must be changed at first login. Never exported. */
    temporaryPassword: z.string().max(200).optional(),
  })
  .strict();

export const CatalogueFile = z
  .object({
    format: z.literal('csu-catalogue'),
    version: z.literal(1),
    bailleurs: z.array(z.object({ id, name: text(200), active: z.boolean().default(true) }).strict()).max(100),
    services: z.array(z.object({ id, name: text(200), kind: z.enum(SERVICE_KINDS), active: z.boolean().default(true) }).strict()).min(1).max(50),
    sites: z.array(FileSite).max(500),
    operators: z.array(FileOperator).max(2000),
  })
  .strict();
export type CatalogueFile = z.output<typeof CatalogueFile>;
export type CatalogueFileInput = z.input<typeof CatalogueFile>;

/** Every code a problem can carry; French text under `importErrors.<code>` (the locale test walks them). */
export const FILE_PROBLEM_CODES = [
  'file_too_large', 'not_json', 'required', 'type', 'unknown_value', 'unknown_field', 'empty', 'too_few', 'too_small', 'too_long', 'too_many', 'too_big', 'format', 'invalid',
  'duplicate', 'unknown_ref', 'url', 'credentials_in_url', 'dates_inverted', 'convention_too_long', 'signed_after_start', 'durations_inverted',
  'password_short', 'password_is_matricule', 'password_unchanged', 'designation_without_designated', 'https_required',
  'secret_refused',
] as const;

/** One problem of a file: where (JSON path) and what (a code and its parameters, for the locales). */
export interface FileProblem {
  path: string;
  code: string;
  params?: Record<string, string | number>;
}

export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(racine)';
}

function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? `${v.slice(0, 40)}…` : v;
  return JSON.stringify(v)?.slice(0, 40) ?? String(v);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/** zod's issues, as codes the locales know. */
function problemsOf(error: z.ZodError, root: unknown): FileProblem[] {
  const out: FileProblem[] = [];
  for (const i of error.issues) {
    const path = jsonPath(i.path);
    switch (i.code) {
      case 'invalid_format':
      case 'custom':
        // Our formats name themselves in the message (id, matricule, date).
        out.push({ path, code: 'format', params: { what: ['id', 'matricule', 'date'].includes(i.message) ? i.message : 'text' } });
        break;
      case 'invalid_type':
        out.push(valueAt(root, i.path) === undefined ? { path, code: 'required' } : { path, code: 'type', params: { expected: i.expected } });
        break;
      case 'invalid_value':
        out.push({ path, code: 'unknown_value', params: { value: describe(valueAt(root, i.path)) } });
        break;
      case 'unrecognized_keys':
        for (const k of i.keys) out.push({ path: jsonPath([...i.path, k]), code: 'unknown_field' });
        break;
      case 'too_small':
        out.push({ path, code: i.origin === 'string' ? 'empty' : i.origin === 'array' ? 'too_few' : 'too_small', params: { min: Number(i.minimum) } });
        break;
      case 'too_big':
        out.push({ path, code: i.origin === 'string' ? 'too_long' : i.origin === 'array' ? 'too_many' : 'too_big', params: { max: Number(i.maximum) } });
        break;
      default:
        out.push({ path, code: 'invalid' });
    }
  }
  return out;
}

/** Whether a stream URL is one the console will pull: rtsp:// or rtsps://, no credentials inside (they go in username/password). */
function urlProblem(url: string, allowSim: boolean): string | undefined {
  if (allowSim && /^sim:.{1,200}$/.test(url)) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'url';
  }
  if (u.protocol !== 'rtsp:' && u.protocol !== 'rtsps:') return 'url';
  if (!u.hostname) return 'url';
  if (u.username || u.password) return 'credentials_in_url';
  return undefined;
}

/** Checks a password against the policy: at least 12 characters, not the matricule. */
export function passwordProblem(password: string, matriculeOf: string): 'password_short' | 'password_is_matricule' | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'password_short';
  if (password.trim().toLowerCase().includes(matriculeOf.toLowerCase())) return 'password_is_matricule';
  return undefined;
}

/** The checks that span entities: duplicates, references, dates, URLs, passwords. */
function crossProblems(f: CatalogueFile, allowSim: boolean): FileProblem[] {
  const out: FileProblem[] = [];
  const dupes = (items: { key: string; path: string }[]) => {
    const seen = new Set<string>();
    for (const it of items) {
      if (seen.has(it.key)) out.push({ path: it.path, code: 'duplicate', params: { value: it.key } });
      seen.add(it.key);
    }
  };
  dupes(f.bailleurs.map((b, i) => ({ key: b.id, path: `bailleurs[${i}].id` })));
  dupes(f.services.map((s, i) => ({ key: s.id, path: `services[${i}].id` })));
  dupes(f.sites.map((s, i) => ({ key: s.id, path: `sites[${i}].id` })));
  dupes(f.sites.flatMap((s, i) => s.cameras.map((c, j) => ({ key: c.id, path: `sites[${i}].cameras[${j}].id` }))));
  dupes(f.sites.flatMap((s, i) => s.conventions.map((c, j) => ({ key: c.id, path: `sites[${i}].conventions[${j}].id` }))));
  dupes(f.operators.map((o, i) => ({ key: o.matricule.toUpperCase(), path: `operators[${i}].matricule` })));

  const bailleurs = new Set(f.bailleurs.map((b) => b.id));
  const services = new Set(f.services.map((s) => s.id));
  f.sites.forEach((s, i) => {
    if (!bailleurs.has(s.bailleurId)) out.push({ path: `sites[${i}].bailleurId`, code: 'unknown_ref', params: { value: s.bailleurId } });
    s.cameras.forEach((c, j) => {
      const p = urlProblem(c.url, allowSim);
      if (p) out.push({ path: `sites[${i}].cameras[${j}].url`, code: p });
      const q = c.subStreamUrl === undefined ? undefined : urlProblem(c.subStreamUrl, allowSim);
      if (q) out.push({ path: `sites[${i}].cameras[${j}].subStreamUrl`, code: q });
      if (c.password !== undefined && c.username === undefined) out.push({ path: `sites[${i}].cameras[${j}].username`, code: 'required' });
    });
    s.conventions.forEach((c, j) => {
      const at = `sites[${i}].conventions[${j}]`;
      if (c.validTo < c.validFrom) out.push({ path: `${at}.validTo`, code: 'dates_inverted' });
      else if (c.validTo > lastDayOfOneYear(c.validFrom)) out.push({ path: `${at}.validTo`, code: 'convention_too_long', params: { max: lastDayOfOneYear(c.validFrom) } });
      if (c.signedOn !== undefined && c.signedOn > c.validFrom) out.push({ path: `${at}.signedOn`, code: 'signed_after_start' });
      if (c.minDurationMin > c.maxDurationMin) out.push({ path: `${at}.minDurationMin`, code: 'durations_inverted' });
      if (c.recording.allowed && c.recording.retentionDays === undefined) out.push({ path: `${at}.recording.retentionDays`, code: 'required' });
      c.serviceIds.forEach((sid, k) => {
        if (!services.has(sid)) out.push({ path: `${at}.serviceIds[${k}]`, code: 'unknown_ref', params: { value: sid } });
      });
    });
  });
  f.operators.forEach((o, i) => {
    if (o.temporaryPassword !== undefined) {
      const p = passwordProblem(o.temporaryPassword, o.matricule);
      if (p) out.push({ path: `operators[${i}].temporaryPassword`, code: p, params: { min: MIN_PASSWORD_LENGTH } });
    }
    if (o.designatedSince !== undefined && !o.designated) out.push({ path: `operators[${i}].designatedSince`, code: 'designation_without_designated' });
  });
  return out;
}

/** Parses and validates a catalogue file's text: every problem at once, or the catalogue. */
export function parseCatalogueFile(textIn: string, o: { allowSim?: boolean } = {}): { ok: true; file: CatalogueFile } | { ok: false; problems: FileProblem[] } {
  if (Buffer.byteLength(textIn, 'utf8') > MAX_CATALOGUE_FILE_BYTES) return { ok: false, problems: [{ path: '(fichier)', code: 'file_too_large', params: { max: MAX_CATALOGUE_FILE_BYTES } }] };
  let raw: unknown;
  try {
    raw = JSON.parse(textIn);
  } catch (err) {
    return { ok: false, problems: [{ path: '(fichier)', code: 'not_json', params: { reason: (err as Error).message.slice(0, 200) } }] };
  }
  const r = CatalogueFile.safeParse(raw);
  if (!r.success) return { ok: false, problems: problemsOf(r.error, raw).slice(0, 200) };
  const cross = crossProblems(r.data, o.allowSim ?? false);
  return cross.length > 0 ? { ok: false, problems: cross.slice(0, 200) } : { ok: true, file: r.data };
}
