/**
 * The catalogue: landlords, sites, receiving services, conventions, cameras and operators.
 * Writes validate with zod first; multi-table writes are one transaction.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import { DbError } from './errors';
import type { BailleurRow, CameraRow, ConventionRow, ConventionServiceRow, OperatorRow, ServiceRow, SiteWithBailleurRow } from './rows';
import { DEFAULT_MAX_DURATION_MIN, DEFAULT_MIN_DURATION_MIN, MOTIVES, ROLES, SERVICE_KINDS, ZONES, type Motive, type Role, type Zone } from './motives';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a calendar date');

export const BailleurInput = z.object({ id, name: z.string().min(1).max(200), active: z.boolean().default(true) }).strict();
export const SiteInput = z
  .object({ id, name: z.string().min(1).max(200), bailleurId: id, addresses: z.array(z.string().min(1).max(300)).min(1).max(20), town: z.string().min(1).max(200), homes: z.number().int().positive(), active: z.boolean().default(true) })
  .strict();
export const ServiceInput = z.object({ id, name: z.string().min(1).max(200), kind: z.enum(SERVICE_KINDS), active: z.boolean().default(true) }).strict();

/** The date one year after `from`, minus a day: the last day a convention starting on `from` may cover. */
export function lastDayOfOneYear(from: string): string {
  const d = new Date(`${from}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export const ConventionInput = z
  .object({
    id,
    siteId: id,
    parties: z.array(z.string().min(1).max(200)).min(3).max(10),
    validFrom: isoDate,
    validTo: isoDate,
    motives: z.array(z.enum(MOTIVES)).min(1).max(MOTIVES.length),
    minDurationMin: z.number().int().min(DEFAULT_MIN_DURATION_MIN).max(DEFAULT_MAX_DURATION_MIN).default(DEFAULT_MIN_DURATION_MIN),
    maxDurationMin: z.number().int().min(DEFAULT_MIN_DURATION_MIN).max(DEFAULT_MAX_DURATION_MIN).default(DEFAULT_MAX_DURATION_MIN),
    serviceIds: z.array(id).min(1).max(20),
    signedOn: isoDate.nullable().default(null),
    /** Recording only where the convention allows it, kept at most one month (CSI L252-5). */
    recordingAllowed: z.boolean().default(false),
    retentionDays: z.number().int().min(1).max(30).nullable().default(null),
  })
  .strict()
  .refine((c) => c.validFrom <= c.validTo, { message: 'validTo is before validFrom', path: ['validTo'] })
  .refine((c) => c.validTo <= lastDayOfOneYear(c.validFrom), { message: 'a convention lasts at most one year', path: ['validTo'] })
  .refine((c) => c.minDurationMin <= c.maxDurationMin, { message: 'minimum duration above maximum', path: ['minDurationMin'] })
  .refine((c) => !c.recordingAllowed || c.retentionDays !== null, { message: 'a convention that allows recording states its retention', path: ['retentionDays'] });

export const CameraInput = z
  .object({
    id,
    siteId: id,
    label: z.string().min(1).max(200),
    zone: z.enum(ZONES),
    sourceUrl: z.string().min(1).max(2000).regex(/^(rtsp|rtsps|sim):/, 'rtsp://, rtsps:// or sim: URL'),
    subStreamUrl: z.string().min(1).max(2000).regex(/^(rtsp|rtsps|sim):/).optional(),
    /** The camera's user name; its password lives in the secret store, never in the database. */
    username: z.string().min(1).max(100).nullable().default(null),
    active: z.boolean().default(true),
  })
  .strict();
export const OperatorInput = z
  .object({
    matricule: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
    name: z.string().min(1).max(200),
    role: z.enum(ROLES),
    designated: z.boolean(),
    active: z.boolean().default(true),
    passwordHash: z.string().startsWith('scrypt$'),
    mustChangePassword: z.boolean().default(false),
    designatedSince: isoDate.nullable().default(null),
    designationRef: z.string().min(1).max(200).nullable().default(null),
  })
  .strict();

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new DbError('CATALOGUE_INVALID', `invalid ${what}`, r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return r.data;
}

export async function upsertBailleur(db: Knex, input: z.input<typeof BailleurInput>): Promise<void> {
  const b = parse(BailleurInput, input, 'bailleur');
  await db('bailleurs').insert({ id: b.id, name: b.name, active: b.active }).onConflict('id').merge();
}

export async function upsertSite(db: Knex, input: z.input<typeof SiteInput>): Promise<void> {
  const s = parse(SiteInput, input, 'site');
  await db('sites')
    .insert({ id: s.id, name: s.name, bailleur_id: s.bailleurId, addresses: JSON.stringify(s.addresses), town: s.town, homes: s.homes, active: s.active })
    .onConflict('id')
    .merge();
}

export async function upsertService(db: Knex, input: z.input<typeof ServiceInput>): Promise<void> {
  const s = parse(ServiceInput, input, 'service');
  await db('services').insert(s).onConflict('id').merge();
}

export async function upsertConvention(db: Knex, input: z.input<typeof ConventionInput>): Promise<void> {
  const c = parse(ConventionInput, input, 'convention');
  await db.transaction(async (trx) => {
    await trx('conventions')
      .insert({ id: c.id, site_id: c.siteId, parties: JSON.stringify(c.parties), valid_from: c.validFrom, valid_to: c.validTo, motives: JSON.stringify(c.motives), min_duration_min: c.minDurationMin, max_duration_min: c.maxDurationMin, signed_on: c.signedOn, recording_allowed: c.recordingAllowed, retention_days: c.retentionDays })
      .onConflict('id')
      .merge();
    await trx('convention_services').where({ convention_id: c.id }).delete();
    await trx('convention_services').insert(c.serviceIds.map((s) => ({ convention_id: c.id, service_id: s })));
  });
}

export async function upsertCamera(db: Knex, input: z.input<typeof CameraInput>): Promise<void> {
  const c = parse(CameraInput, input, 'camera');
  await db('cameras')
    .insert({ id: c.id, site_id: c.siteId, label: c.label, zone: c.zone, source_url: c.sourceUrl, sub_stream_url: c.subStreamUrl ?? null, username: c.username, active: c.active })
    .onConflict('id')
    .merge();
}

export async function upsertOperator(db: Knex, input: z.input<typeof OperatorInput>): Promise<void> {
  const o = parse(OperatorInput, input, 'operator');
  await db('operators')
    .insert({ matricule: o.matricule, name: o.name, role: o.role, designated: o.designated, active: o.active, password_hash: o.passwordHash, must_change_password: o.mustChangePassword, designated_since: o.designatedSince, designation_ref: o.designationRef })
    .onConflict('matricule')
    .merge();
}

export interface Site {
  id: string;
  name: string;
  bailleurId: string;
  bailleurName: string;
  addresses: string[];
  town: string;
  homes: number;
  active: boolean;
}
export interface Camera {
  id: string;
  siteId: string;
  label: string;
  zone: Zone;
  sourceUrl: string;
  subStreamUrl: string | null;
  username: string | null;
  active: boolean;
}
export interface Bailleur {
  id: string;
  name: string;
  active: boolean;
}
export interface Service {
  id: string;
  name: string;
  kind: (typeof SERVICE_KINDS)[number];
  active: boolean;
}
export interface Convention {
  id: string;
  siteId: string;
  parties: string[];
  validFrom: string;
  validTo: string;
  motives: Motive[];
  minDurationMin: number;
  maxDurationMin: number;
  serviceIds: string[];
  signedOn: string | null;
  recordingAllowed: boolean;
  retentionDays: number | null;
}
export interface Operator {
  matricule: string;
  name: string;
  role: Role;
  designated: boolean;
  active: boolean;
  passwordHash: string;
  mustChangePassword: boolean;
  designatedSince: string | null;
  designationRef: string | null;
}

export async function listSites(db: Knex): Promise<Site[]> {
  const rows: SiteWithBailleurRow[] = await db('sites').join('bailleurs', 'bailleurs.id', 'sites.bailleur_id').select('sites.*', 'bailleurs.name as bailleur_name').orderBy('sites.name');
  return rows.map((r) => ({ id: r.id, name: r.name, bailleurId: r.bailleur_id, bailleurName: r.bailleur_name, addresses: JSON.parse(r.addresses) as string[], town: r.town, homes: r.homes, active: !!r.active }));
}

export async function getSite(db: Knex, siteId: string): Promise<Site | undefined> {
  return (await listSites(db)).find((s) => s.id === siteId);
}

export async function listCameras(db: Knex, siteId?: string): Promise<Camera[]> {
  const q = db<CameraRow>('cameras').orderBy(['site_id', 'zone', 'label']);
  if (siteId) q.where({ site_id: siteId });
  const rows: CameraRow[] = await q;
  // zone: the table's trigger admits only ZONES.
  return rows.map((r) => ({ id: r.id, siteId: r.site_id, label: r.label, zone: r.zone as Zone, sourceUrl: r.source_url, subStreamUrl: r.sub_stream_url ?? null, username: r.username ?? null, active: !!r.active }));
}

export async function listServices(db: Knex): Promise<Service[]> {
  const rows: ServiceRow[] = await db<ServiceRow>('services').orderBy('name');
  // kind: written only through ServiceInput's enum.
  return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind as Service['kind'], active: !!r.active }));
}

export async function listConventions(db: Knex, siteId?: string): Promise<Convention[]> {
  const q = db<ConventionRow>('conventions').orderBy('valid_from', 'desc');
  if (siteId) q.where({ site_id: siteId });
  const rows: ConventionRow[] = await q;
  const links: ConventionServiceRow[] = await db('convention_services').select();
  return rows.map((r) => ({
    id: r.id,
    siteId: r.site_id,
    parties: JSON.parse(r.parties) as string[],
    validFrom: r.valid_from,
    validTo: r.valid_to,
    // Written only through ConventionInput's enum of motives.
    motives: JSON.parse(r.motives) as Motive[],
    minDurationMin: r.min_duration_min,
    maxDurationMin: r.max_duration_min,
    serviceIds: links.filter((l) => l.convention_id === r.id).map((l) => l.service_id),
    signedOn: r.signed_on ?? null,
    recordingAllowed: !!r.recording_allowed,
    retentionDays: r.retention_days ?? null,
  }));
}

/** The calendar day in Paris of an instant: conventions are dated in local days. */
export function parisDay(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/** The site's convention in force at `ms`, if any. */
export async function conventionInForce(db: Knex, siteId: string, ms: number): Promise<Convention | undefined> {
  const day = parisDay(ms);
  return (await listConventions(db, siteId)).find((c) => c.validFrom <= day && day <= c.validTo);
}

export async function getOperator(db: Knex, matricule: string): Promise<Operator | undefined> {
  const r: OperatorRow | undefined = await db<OperatorRow>('operators').where({ matricule }).first();
  return r ? operatorOf(r) : undefined;
}

function operatorOf(r: OperatorRow): Operator {
  return {
    matricule: r.matricule,
    name: r.name,
    role: r.role as Role,
    designated: !!r.designated,
    active: !!r.active,
    passwordHash: r.password_hash,
    mustChangePassword: !!r.must_change_password,
    designatedSince: r.designated_since ?? null,
    designationRef: r.designation_ref ?? null,
  };
}

export async function listOperators(db: Knex): Promise<Operator[]> {
  const rows: OperatorRow[] = await db<OperatorRow>('operators').orderBy('matricule');
  return rows.map(operatorOf);
}

export async function listBailleurs(db: Knex): Promise<Bailleur[]> {
  const rows: BailleurRow[] = await db<BailleurRow>('bailleurs').orderBy('name');
  return rows.map((r) => ({ id: r.id, name: r.name, active: r.active === undefined ? true : !!r.active }));
}

export async function countOperators(db: Knex): Promise<number> {
  const r = await db('operators').count<{ n: number }[]>('* as n');
  return Number(r[0]?.n ?? 0);
}

/** The catalogue's version: every administrative change raises it (consoles show it; a central server versions it). */
export async function catalogueVersion(db: Knex): Promise<number> {
  const r: { value: string } | undefined = await db('catalogue_meta').where({ key: 'version' }).first('value');
  return Number(r?.value ?? 0);
}

export async function bumpCatalogueVersion(db: Knex): Promise<number> {
  const next = (await catalogueVersion(db)) + 1;
  await db('catalogue_meta').insert({ key: 'version', value: String(next) }).onConflict('key').merge();
  return next;
}

export async function hasCatalogue(db: Knex): Promise<boolean> {
  const r = await db('sites').count<{ n: number }[]>('* as n');
  return Number(r[0]?.n ?? 0) > 0;
}
