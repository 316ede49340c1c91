/**
 * Importing and exporting the catalogue file (issue G2). An import is all-or-nothing: one
 * transaction writes every entity, deactivates what the file no longer lists (never deletes: the
 * journal refers to it), raises the catalogue's version and journals each change as
 * `catalogue.changed` (before / after, never a secret). A dry run computes the same changes and
 * writes nothing.
 */
import { randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import {
  bumpCatalogueVersion,
  listBailleurs,
  listCameras,
  listConventions,
  listOperators,
  listServices,
  listSites,
  upsertBailleur,
  upsertCamera,
  upsertConvention,
  upsertOperator,
  upsertService,
  upsertSite,
} from './catalogue';
import type { CatalogueFile, CatalogueFileInput } from './catalogue-file';
import { appendEntries, type AppendInput } from './journal';
import { hashPassword } from './passwords';

export type CatalogueEntity = 'bailleur' | 'service' | 'site' | 'camera' | 'convention' | 'operator';
export interface CatalogueChange {
  entity: CatalogueEntity;
  id: string;
  change: 'created' | 'updated' | 'deactivated';
  /** The fields that differ (updated), for the dry run's list. */
  fields: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

type Rec = Record<string, unknown>;
interface Keyed {
  entity: CatalogueEntity;
  id: string;
  rec: Rec;
}

/** What the database holds, in the file's terms (no secrets: camera passwords are not in the database). */
async function current(db: Knex): Promise<Keyed[]> {
  const [bailleurs, services, sites, cameras, conventions, operators] = await Promise.all([listBailleurs(db), listServices(db), listSites(db), listCameras(db), listConventions(db), listOperators(db)]);
  return [
    ...bailleurs.map((b) => ({ entity: 'bailleur' as const, id: b.id, rec: { name: b.name, active: b.active } })),
    ...services.map((s) => ({ entity: 'service' as const, id: s.id, rec: { name: s.name, kind: s.kind, active: s.active } })),
    ...sites.map((s) => ({ entity: 'site' as const, id: s.id, rec: { name: s.name, bailleurId: s.bailleurId, addresses: s.addresses, town: s.town, homes: s.homes, active: s.active } })),
    ...cameras.map((c) => ({ entity: 'camera' as const, id: c.id, rec: { siteId: c.siteId, label: c.label, zone: c.zone, url: c.sourceUrl, subStreamUrl: c.subStreamUrl, username: c.username, active: c.active } })),
    ...conventions.map((c) => ({
      entity: 'convention' as const,
      id: c.id,
      rec: { siteId: c.siteId, parties: c.parties, signedOn: c.signedOn, validFrom: c.validFrom, validTo: c.validTo, motives: c.motives, minDurationMin: c.minDurationMin, maxDurationMin: c.maxDurationMin, serviceIds: [...c.serviceIds].sort(), recordingAllowed: c.recordingAllowed, retentionDays: c.retentionDays },
    })),
    ...operators.map((o) => ({ entity: 'operator' as const, id: o.matricule, rec: { name: o.name, role: o.role, designated: o.designated, designatedSince: o.designatedSince, designationRef: o.designationRef, active: o.active } })),
  ];
}

/** The file's entities, in the same terms as `current`. */
function wanted(f: CatalogueFile): Keyed[] {
  return [
    ...f.bailleurs.map((b) => ({ entity: 'bailleur' as const, id: b.id, rec: { name: b.name, active: b.active } })),
    ...f.services.map((s) => ({ entity: 'service' as const, id: s.id, rec: { name: s.name, kind: s.kind, active: s.active } })),
    ...f.sites.map((s) => ({ entity: 'site' as const, id: s.id, rec: { name: s.name, bailleurId: s.bailleurId, addresses: s.addresses, town: s.town, homes: s.homes, active: s.active } })),
    ...f.sites.flatMap((s) => s.cameras.map((c) => ({ entity: 'camera' as const, id: c.id, rec: { siteId: s.id, label: c.label, zone: c.zone, url: c.url, subStreamUrl: c.subStreamUrl ?? null, username: c.username ?? null, active: c.active } }))),
    ...f.sites.flatMap((s) =>
      s.conventions.map((c) => ({
        entity: 'convention' as const,
        id: c.id,
        rec: { siteId: s.id, parties: c.parties, signedOn: c.signedOn ?? null, validFrom: c.validFrom, validTo: c.validTo, motives: c.motives, minDurationMin: c.minDurationMin, maxDurationMin: c.maxDurationMin, serviceIds: [...c.serviceIds].sort(), recordingAllowed: c.recording.allowed, retentionDays: c.recording.allowed ? (c.recording.retentionDays ?? null) : null },
      })),
    ),
    ...f.operators.map((o) => ({ entity: 'operator' as const, id: o.matricule, rec: { name: o.name, role: o.role, designated: o.designated, designatedSince: o.designatedSince ?? null, designationRef: o.designationRef ?? null, active: o.active } })),
  ];
}

/** The changes that importing `f` would make. `keep` is never deactivated (the administrateur importing, or a console's own administrateurs). */
export async function diffCatalogue(db: Knex, f: CatalogueFile, keep?: string | readonly string[]): Promise<CatalogueChange[]> {
  const kept = new Set(typeof keep === 'string' ? [keep] : (keep ?? []));
  const now = await current(db);
  const next = wanted(f);
  const key = (k: Keyed) => `${k.entity}:${k.id}`;
  const before = new Map(now.map((k) => [key(k), k]));
  const after = new Set(next.map(key));
  const changes: CatalogueChange[] = [];
  for (const k of next) {
    const old = before.get(key(k));
    if (!old) {
      changes.push({ entity: k.entity, id: k.id, change: 'created', fields: Object.keys(k.rec), before: null, after: k.rec });
      continue;
    }
    const fields = Object.keys(k.rec).filter((f) => JSON.stringify(k.rec[f]) !== JSON.stringify(old.rec[f]));
    if (fields.length > 0) changes.push({ entity: k.entity, id: k.id, change: 'updated', fields, before: pick(old.rec, fields), after: pick(k.rec, fields) });
  }
  for (const k of now) {
    // Conventions lapse on their own; they have no « active » to withdraw.
    if (after.has(key(k)) || k.entity === 'convention' || k.rec.active === false) continue;
    if (k.entity === 'operator' && kept.has(k.id)) continue;
    changes.push({ entity: k.entity, id: k.id, change: 'deactivated', fields: ['active'], before: { active: true }, after: { active: false } });
  }
  return changes;
}

function pick(r: Rec, fields: string[]): Rec {
  return Object.fromEntries(fields.map((f) => [f, r[f]]));
}

/** A readable temporary password (no look-alike characters), changed at first login. */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let out = '';
  for (let i = 0; i < 16; i++) out += alphabet[randomInt(alphabet.length)];
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}-${out.slice(12)}`;
}

export interface ImportResult {
  changes: CatalogueChange[];
  version: number;
  /** Temporary passwords of the operators created without one in the file: shown once, to hand over. */
  temporaryPasswords: { matricule: string; password: string }[];
  /** Camera passwords to put in the secret store (the caller's job: db/ has no secret store). */
  cameraSecrets: { cameraId: string; password: string }[];
}

/** Applies the file in one transaction. Validate it with parseCatalogueFile first. */
export async function importCatalogue(db: Knex, consoleId: string, f: CatalogueFile, o: { actor: string; now: number; keep?: string | readonly string[]; central?: CentralSource }): Promise<ImportResult> {
  const changes = await diffCatalogue(db, f, o.keep);
  const existing = new Map((await listOperators(db)).map((x) => [x.matricule, x]));
  const temporaryPasswords: ImportResult['temporaryPasswords'] = [];
  const hashes = new Map<string, string>();
  for (const op of f.operators) {
    const known = existing.get(op.matricule);
    if (op.temporaryPassword !== undefined) hashes.set(op.matricule, await hashPassword(op.temporaryPassword));
    else if (!known) {
      const pw = temporaryPassword();
      temporaryPasswords.push({ matricule: op.matricule, password: pw });
      hashes.set(op.matricule, await hashPassword(pw));
    }
  }
  const version = await db.transaction(async (trx) => {
    for (const b of f.bailleurs) await upsertBailleur(trx, b);
    for (const s of f.services) await upsertService(trx, s);
    for (const s of f.sites) {
      await upsertSite(trx, { id: s.id, name: s.name, bailleurId: s.bailleurId, addresses: s.addresses, town: s.town, homes: s.homes, active: s.active });
      for (const c of s.cameras) await upsertCamera(trx, { id: c.id, siteId: s.id, label: c.label, zone: c.zone, sourceUrl: c.url, subStreamUrl: c.subStreamUrl, username: c.username ?? null, active: c.active });
      for (const c of s.conventions) {
        await upsertConvention(trx, {
          id: c.id,
          siteId: s.id,
          parties: c.parties,
          signedOn: c.signedOn ?? null,
          validFrom: c.validFrom,
          validTo: c.validTo,
          motives: c.motives,
          minDurationMin: c.minDurationMin,
          maxDurationMin: c.maxDurationMin,
          serviceIds: c.serviceIds,
          recordingAllowed: c.recording.allowed,
          retentionDays: c.recording.allowed ? (c.recording.retentionDays ?? null) : null,
        });
      }
    }
    for (const op of f.operators) {
      const known = existing.get(op.matricule);
      const hash = hashes.get(op.matricule);
      await upsertOperator(trx, {
        matricule: op.matricule,
        name: op.name,
        role: op.role,
        designated: op.designated,
        designatedSince: op.designatedSince ?? null,
        designationRef: op.designationRef ?? null,
        active: op.active,
        passwordHash: hash ?? known!.passwordHash,
        mustChangePassword: hash !== undefined ? true : known!.mustChangePassword,
      });
    }
    for (const c of changes.filter((x) => x.change === 'deactivated')) {
      const table = { bailleur: 'bailleurs', service: 'services', site: 'sites', camera: 'cameras', operator: 'operators', convention: '' }[c.entity];
      const keyCol = c.entity === 'operator' ? 'matricule' : 'id';
      await trx(table).where({ [keyCol]: c.id }).update({ active: false });
    }
    const v = changes.length > 0 ? await bumpCatalogueVersion(trx) : undefined;
    if (changes.length > 0) await appendEntries(trx, consoleId, changes.map((c) => changeEntry(c, o.actor, o.now, o.central)));
    return v;
  });
  const cameraSecrets = f.sites.flatMap((s) => s.cameras.filter((c) => c.password !== undefined).map((c) => ({ cameraId: c.id, password: c.password! })));
  return { changes, version: version ?? 0, temporaryPasswords, cameraSecrets };
}

/** One change as a journal entry: who, which entity, before and after (never a secret: none is in these records). */
export function changeEntry(c: Pick<CatalogueChange, 'entity' | 'id' | 'change' | 'before' | 'after'>, actor: string, now: number, central?: CentralSource): AppendInput<'catalogue.changed'> {
  return { kind: 'catalogue.changed', actor, ts: now, payload: { entity: c.entity, id: c.id, change: c.change, before: c.before, after: c.after, ...(central ? { central } : {}) } };
}

/** A change applied from the central server's catalogue: which version, which hash. */
export interface CentralSource {
  version: number;
  sha256: string;
  /** « console/matricule » of the publication. */
  publishedBy: string;
}

/** The catalogue as a file, without any secret (no camera password, no password hash). */
export async function exportCatalogue(db: Knex): Promise<CatalogueFileInput> {
  const [bailleurs, services, sites, cameras, conventions, operators] = await Promise.all([listBailleurs(db), listServices(db), listSites(db), listCameras(db), listConventions(db), listOperators(db)]);
  return {
    format: 'csu-catalogue',
    version: 1,
    bailleurs: bailleurs.map((b) => ({ id: b.id, name: b.name, active: b.active })),
    services: services.map((s) => ({ id: s.id, name: s.name, kind: s.kind, active: s.active })),
    sites: sites.map((s) => ({
      id: s.id,
      name: s.name,
      bailleurId: s.bailleurId,
      addresses: s.addresses,
      town: s.town,
      homes: s.homes,
      active: s.active,
      cameras: cameras
        .filter((c) => c.siteId === s.id)
        .map((c) => ({ id: c.id, label: c.label, zone: c.zone, url: c.sourceUrl, ...(c.subStreamUrl ? { subStreamUrl: c.subStreamUrl } : {}), ...(c.username ? { username: c.username } : {}), active: c.active })),
      conventions: conventions
        .filter((c) => c.siteId === s.id)
        .map((c) => ({
          id: c.id,
          parties: c.parties,
          ...(c.signedOn ? { signedOn: c.signedOn } : {}),
          validFrom: c.validFrom,
          validTo: c.validTo,
          motives: c.motives,
          minDurationMin: c.minDurationMin,
          maxDurationMin: c.maxDurationMin,
          serviceIds: c.serviceIds,
          recording: c.recordingAllowed ? { allowed: true, retentionDays: c.retentionDays ?? 30 } : { allowed: false },
        })),
    })),
    operators: operators.map((o) => ({
      matricule: o.matricule,
      name: o.name,
      role: o.role,
      designated: o.designated,
      ...(o.designatedSince ? { designatedSince: o.designatedSince } : {}),
      ...(o.designationRef ? { designationRef: o.designationRef } : {}),
      active: o.active,
    })),
  };
}
