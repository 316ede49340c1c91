/**
 * The administrateur's service (issue G2): the catalogue file, per-entity edits, operators'
 * passwords, the central server's address and token. Every edit goes through the same path as a
 * file import — the current catalogue exported, the edit applied, the whole re-validated, then
 * imported in one transaction — so one set of rules (dates, references, URLs, one year at most,
 * 2–12 h) holds everywhere, and every change is journaled as `catalogue.changed`.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Knex } from 'knex';
import { catalogueVersion, getOperator, listCameras, listConventions, listOperators, listSites, parisDay } from '../../db/catalogue';
import { parseCatalogueFile, type CatalogueFileInput, type FileProblem } from '../../db/catalogue-file';
import { changeEntry, diffCatalogue, exportCatalogue, importCatalogue, temporaryPassword } from '../../db/catalogue-import';
import { appendEntry } from '../../db/journal';
import { hashPassword } from '../../db/passwords';
import { resetOperatorPassword } from '../../db/operators';
import type { AdminCatalogueView, ConventionAlertView, ImportResultView } from '../../preload/admin';
import type { z } from 'zod';
import type { SaveBailleurArgs, SaveCameraArgs, SaveConventionArgs, SaveOperatorArgs, SaveServiceArgs, SaveSiteArgs } from '../../preload/admin';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { SecretStore } from '../secrets';
import { cameraSecretName } from './camera-secrets';

export interface AdminServiceOptions {
  db: Knex;
  consoleId: string;
  clock: Clock;
  secrets: SecretStore;
  /** Demo consoles keep their `sim:` test-pattern cameras; production accepts rtsp:// and rtsps:// only. */
  allowSim: boolean;
  mirrorSettings: { get(): { serverUrl: string | null; caFile: string | null }; set(m: { serverUrl: string; caFile: string | null }): void };
  /**
   * Whether this console follows the central server's catalogue, and may publish it. A follower
   * that may not publish refuses local catalogue edits (they would be overwritten by the next
   * version, and the other consoles would never see them); camera passwords stay editable.
   */
  central?: () => { following: boolean; canPublish: boolean };
}

type Edit = (f: CatalogueFileInput) => void;

export class AdminService {
  constructor(private readonly o: AdminServiceOptions) {}

  async catalogue(): Promise<AdminCatalogueView> {
    const { db } = this.o;
    const file = await exportCatalogue(db);
    const operators = await listOperators(db);
    return {
      version: await catalogueVersion(db),
      bailleurs: file.bailleurs.map((b) => ({ id: b.id, name: b.name, active: b.active ?? true })),
      services: file.services.map((s) => ({ id: s.id, name: s.name, kind: s.kind, active: s.active ?? true })),
      sites: file.sites.map((s) => ({ id: s.id, name: s.name, bailleurId: s.bailleurId, addresses: s.addresses, town: s.town, homes: s.homes, active: s.active ?? true })),
      cameras: (await listCameras(db)).map((c) => ({ id: c.id, siteId: c.siteId, label: c.label, zone: c.zone, url: c.sourceUrl, subStreamUrl: c.subStreamUrl, username: c.username, hasPassword: this.o.secrets.get(cameraSecretName(c.id)) !== undefined, active: c.active })),
      conventions: (await listConventions(db)).map((c) => ({ ...c })),
      operators: operators.map((op) => ({ matricule: op.matricule, name: op.name, role: op.role, designated: op.designated, designatedSince: op.designatedSince, designationRef: op.designationRef, active: op.active, mustChangePassword: op.mustChangePassword })),
      mirror: {
        ...this.o.mirrorSettings.get(),
        hasToken: this.o.secrets.get('mirror-token') !== undefined,
        hasEnrolmentCode: this.o.secrets.get(MIRROR_SECRETS.enrolmentCode) !== undefined,
        hasReaderToken: this.o.secrets.get(MIRROR_SECRETS.readerToken) !== undefined,
      },
    };
  }

  /** A whole file: every problem with its path, or the changes (applied unless a dry run). */
  async importFile(text: string, dryRun: boolean, actor: string): Promise<ImportResultView> {
    if (!dryRun) this.refuseIfCentral();
    const parsed = parseCatalogueFile(text, { allowSim: this.o.allowSim });
    const version = await catalogueVersion(this.o.db);
    if (!parsed.ok) return { applied: false, problems: parsed.problems, changes: [], version, temporaryPasswords: [] };
    if (dryRun) {
      const changes = await diffCatalogue(this.o.db, parsed.file, actor);
      return { applied: false, problems: [], changes: changes.map(({ entity, id, change, fields }) => ({ entity, id, change, fields })), version, temporaryPasswords: [] };
    }
    const r = await importCatalogue(this.o.db, this.o.consoleId, parsed.file, { actor, now: this.o.clock.now(), keep: actor });
    for (const s of r.cameraSecrets) this.o.secrets.set(cameraSecretName(s.cameraId), s.password);
    return { applied: true, problems: [], changes: r.changes.map(({ entity, id, change, fields }) => ({ entity, id, change, fields })), version: r.version || version, temporaryPasswords: r.temporaryPasswords };
  }

  async exportFile(): Promise<string> {
    return `${JSON.stringify(await exportCatalogue(this.o.db), null, 2)}\n`;
  }

  /** One edit, through the file's rules; a problem is CATALOGUE_INVALID with every problem's path. */
  private async edit(actor: string, apply: Edit, extra: { temporaryPassword?: { matricule: string; password: string } } = {}): Promise<number> {
    this.refuseIfCentral();
    const file = await exportCatalogue(this.o.db);
    apply(file);
    if (extra.temporaryPassword) {
      const op = file.operators.find((x) => x.matricule === extra.temporaryPassword!.matricule);
      if (op) op.temporaryPassword = extra.temporaryPassword.password;
    }
    const parsed = parseCatalogueFile(JSON.stringify(file), { allowSim: this.o.allowSim });
    if (!parsed.ok) throw new AppError('CATALOGUE_INVALID', 'the edit breaks a catalogue rule', { problems: parsed.problems });
    const r = await importCatalogue(this.o.db, this.o.consoleId, parsed.file, { actor, now: this.o.clock.now(), keep: actor });
    return r.version || (await catalogueVersion(this.o.db));
  }

  saveBailleur(a: z.output<typeof SaveBailleurArgs>, actor: string): Promise<number> {
    return this.edit(actor, (f) => upsertIn(f.bailleurs, (b) => b.id === a.id, { id: a.id, name: a.name, active: a.active }));
  }

  saveService(a: z.output<typeof SaveServiceArgs>, actor: string): Promise<number> {
    return this.edit(actor, (f) => upsertIn(f.services, (s) => s.id === a.id, { ...a }));
  }

  saveSite(a: z.output<typeof SaveSiteArgs>, actor: string): Promise<number> {
    return this.edit(actor, (f) => {
      const old = f.sites.find((s) => s.id === a.id);
      upsertIn(f.sites, (s) => s.id === a.id, { ...a, cameras: old?.cameras ?? [], conventions: old?.conventions ?? [] });
    });
  }

  async saveCamera(a: z.output<typeof SaveCameraArgs>, actor: string): Promise<number> {
    // A follower keeps its own camera passwords: a save that changes nothing else is allowed.
    const old = (await listCameras(this.o.db)).find((c) => c.id === a.id);
    const passwordOnly = !!old && old.siteId === a.siteId && old.label === a.label && old.zone === a.zone && old.sourceUrl === a.url && old.subStreamUrl === a.subStreamUrl && old.username === a.username && old.active === a.active;
    const version = passwordOnly && this.centralLocked() ? await catalogueVersion(this.o.db) : await this.edit(actor, (f) => {
      for (const s of f.sites) if (s.id !== a.siteId) s.cameras = (s.cameras ?? []).filter((c) => c.id !== a.id);
      const site = f.sites.find((s) => s.id === a.siteId);
      if (!site) throw new AppError('NOT_FOUND', `no site ${a.siteId}`);
      site.cameras ??= [];
      upsertIn(site.cameras, (c) => c.id === a.id, { id: a.id, label: a.label, zone: a.zone, url: a.url, ...(a.subStreamUrl ? { subStreamUrl: a.subStreamUrl } : {}), ...(a.username ? { username: a.username } : {}), active: a.active });
    });
    // The password never enters the catalogue: the secret store only (encrypted in Electron, 0600 headless).
    if (a.password) this.o.secrets.set(cameraSecretName(a.id), a.password);
    else if (a.password === null) this.o.secrets.delete(cameraSecretName(a.id));
    if (a.password !== undefined) await appendEntry(this.o.db, this.o.consoleId, changeEntry({ entity: 'camera', id: a.id, change: 'updated', before: null, after: { password: a.password ? 'remplacé' : 'supprimé' } }, actor, this.o.clock.now()));
    return version;
  }

  saveConvention(a: z.output<typeof SaveConventionArgs>, actor: string): Promise<number> {
    return this.edit(actor, (f) => {
      const site = f.sites.find((s) => s.id === a.siteId);
      if (!site) throw new AppError('NOT_FOUND', `no site ${a.siteId}`);
      site.conventions ??= [];
      upsertIn(site.conventions, (c) => c.id === a.id, {
        id: a.id,
        parties: a.parties,
        ...(a.signedOn ? { signedOn: a.signedOn } : {}),
        validFrom: a.validFrom,
        validTo: a.validTo,
        motives: a.motives,
        minDurationMin: a.minDurationMin,
        maxDurationMin: a.maxDurationMin,
        serviceIds: a.serviceIds,
        recording: a.recordingAllowed ? { allowed: true, ...(a.retentionDays !== null ? { retentionDays: a.retentionDays } : {}) } : { allowed: false },
      });
    });
  }

  /** Creates (with a temporary password, returned once) or edits an operator. An administrateur never locks themself out. */
  async saveOperator(a: z.output<typeof SaveOperatorArgs>, actor: string): Promise<{ version: number; temporaryPassword: string | null }> {
    const existing = await getOperator(this.o.db, a.matricule);
    if (a.create && existing) throw new AppError('MATRICULE_TAKEN', `operator ${a.matricule} exists`);
    if (!a.create && !existing) throw new AppError('NOT_FOUND', `no operator ${a.matricule}`);
    if (a.matricule === actor && (!a.active || a.role !== 'administrateur')) throw new AppError('SELF_LOCKOUT', 'an administrateur cannot deactivate or demote themself');
    const pw = a.create ? temporaryPassword() : undefined;
    const entry = { matricule: a.matricule, name: a.name, role: a.role, designated: a.designated, ...(a.designatedSince ? { designatedSince: a.designatedSince } : {}), ...(a.designationRef ? { designationRef: a.designationRef } : {}), active: a.active };
    const version = await this.edit(actor, (f) => upsertIn(f.operators, (o) => o.matricule === a.matricule, entry), pw ? { temporaryPassword: { matricule: a.matricule, password: pw } } : {});
    return { version, temporaryPassword: pw ?? null };
  }

  async resetPassword(matricule: string, actor: string): Promise<string> {
    if (!(await getOperator(this.o.db, matricule))) throw new AppError('NOT_FOUND', `no operator ${matricule}`);
    const pw = temporaryPassword();
    await resetOperatorPassword(this.o.db, matricule, await hashPassword(pw));
    await appendEntry(this.o.db, this.o.consoleId, changeEntry({ entity: 'operator', id: matricule, change: 'updated', before: null, after: { password: 'réinitialisé (provisoire, à changer à la connexion)' } }, actor, this.o.clock.now()));
    return pw;
  }

  /** Conventions of active sites that lapse within 30 days, or have lapsed, with no successor in force after them. */
  async alerts(): Promise<ConventionAlertView[]> {
    const today = parisDay(this.o.clock.now());
    const [sites, conventions] = await Promise.all([listSites(this.o.db), listConventions(this.o.db)]);
    const out: ConventionAlertView[] = [];
    for (const s of sites.filter((x) => x.active)) {
      const mine = conventions.filter((c) => c.siteId === s.id);
      const last = mine.reduce<(typeof mine)[number] | undefined>((a, c) => (!a || c.validTo > a.validTo ? c : a), undefined);
      if (!last) continue;
      const daysLeft = Math.round((Date.parse(`${last.validTo}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86400000);
      if (daysLeft <= 30) out.push({ conventionId: last.id, siteId: s.id, siteName: s.name, validTo: last.validTo, daysLeft, lapsed: daysLeft < 0 });
    }
    return out.sort((a, b) => a.daysLeft - b.daysLeft);
  }

  private centralLocked(): boolean {
    const c = this.o.central?.();
    return !!c && c.following && !c.canPublish;
  }

  private refuseIfCentral(): void {
    if (this.centralLocked()) throw new AppError('CATALOGUE_CENTRAL', 'this console follows the central catalogue: edit it on the publishing console');
  }

  /**
   * The central server: its address and CA file in the settings; this console's token, its one-time
   * enrolment code and the registry reader token in the secret store (write-only: never read back
   * to the renderer). The address and CA file take effect at the next start; the secrets at the
   * mirror's next request and the next report.
   */
  async setMirror(a: { serverUrl: string; token?: string | undefined; enrolmentCode?: string | undefined; readerToken?: string | undefined; caFile?: string | null | undefined }, actor: string): Promise<void> {
    const { serverUrl, token } = a;
    let u: URL;
    try {
      u = new URL(serverUrl);
    } catch {
      throw new AppError('CATALOGUE_INVALID', 'not a URL', { problems: [{ path: 'serverUrl', code: 'url' } satisfies FileProblem] });
    }
    // TLS outside loopback (a token in clear on the town's network is a stolen token).
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) throw new AppError('CATALOGUE_INVALID', 'https only outside loopback', { problems: [{ path: 'serverUrl', code: 'https_required' } satisfies FileProblem] });
    const before = this.o.mirrorSettings.get();
    const caFile = a.caFile === undefined ? before.caFile : a.caFile;
    if (a.caFile) {
      const problem = checkCaFile(a.caFile);
      if (problem) throw new AppError('CATALOGUE_INVALID', 'CA file unusable', { problems: [problem] });
    }
    this.o.mirrorSettings.set({ serverUrl, caFile });
    if (token) this.o.secrets.set('mirror-token', token);
    if (a.enrolmentCode) this.o.secrets.set(MIRROR_SECRETS.enrolmentCode, a.enrolmentCode.trim());
    if (a.readerToken) this.o.secrets.set(MIRROR_SECRETS.readerToken, a.readerToken.trim());
    const after = { serverUrl, ...(caFile !== before.caFile ? { caFile } : {}), ...(token ? { token: 'remplacé' } : {}), ...(a.enrolmentCode ? { enrolmentCode: 'enregistré' } : {}), ...(a.readerToken ? { readerToken: 'remplacé' } : {}) };
    await appendEntry(this.o.db, this.o.consoleId, changeEntry({ entity: 'service', id: 'serveur-central', change: 'updated', before: { serverUrl: before.serverUrl, ...(caFile !== before.caFile ? { caFile: before.caFile } : {}) }, after }, actor, this.o.clock.now()));
  }
}

/** Names of the central server's secrets in the secret store (besides `mirror-token`). */
export const MIRROR_SECRETS = { enrolmentCode: 'mirror-enrolment-code', readerToken: 'central-reader-token' } as const;

/** A CA file must be readable and hold a PEM certificate: the mirror and the reports pass it to TLS as it is. */
export function checkCaFile(file: string): FileProblem | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { path: 'caFile', code: 'ca_unreadable', params: { reason: String((err as { code?: string }).code ?? 'error') } };
  }
  try {
    if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new Error('not PEM');
    new X509Certificate(text);
    return undefined;
  } catch {
    return { path: 'caFile', code: 'ca_not_certificate' };
  }
}

/** Replaces the first item matching, or appends. */
function upsertIn<T>(list: T[], match: (t: T) => boolean, item: T): void {
  const i = list.findIndex(match);
  if (i >= 0) list[i] = item;
  else list.push(item);
}
