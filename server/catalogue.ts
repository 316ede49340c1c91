/**
 * The CSU's one catalogue on the central server (issue G2, several consoles). A publishing
 * console uploads its whole catalogue; the server checks it with the same zod schema and rules
 * as a console's import, refuses any secret (camera passwords and operators' temporary passwords
 * stay on each console), and stores it as a new version: numbered, hashed, never edited.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { parseCatalogueFile, type FileProblem } from '../db/catalogue-file';
import { canonicalJson } from '../db/journal-codec';
import { isUniqueViolation } from './errors';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The SHA-256 of a catalogue's canonical JSON: its version's hash, and what a signing console signs. */
export function catalogueSha256(raw: unknown): string {
  return sha256(canonicalJson(raw));
}

export interface CatalogueVersion {
  version: number;
  sha256: string;
  publishedAt: number;
  publishedBy: { console: string; operator: string };
}

/** Where a secret would sit in a catalogue file: each one is a problem with its JSON path. */
export function secretProblems(raw: unknown): FileProblem[] {
  const out: FileProblem[] = [];
  const obj = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const root = obj(raw);
  list(root?.sites).forEach((s, i) =>
    list(obj(s)?.cameras).forEach((c, j) => {
      if (obj(c)?.password !== undefined) out.push({ path: `sites[${i}].cameras[${j}].password`, code: 'secret_refused' });
    }),
  );
  list(root?.operators).forEach((o, i) => {
    if (obj(o)?.temporaryPassword !== undefined) out.push({ path: `operators[${i}].temporaryPassword`, code: 'secret_refused' });
  });
  return out;
}

export type PublishResult = { ok: true; unchanged: boolean; latest: CatalogueVersion } | { ok: false; problems: FileProblem[] };

/** Checks and stores a new version (or answers the latest one when the catalogue is the same). */
export async function publishCatalogue(db: Knex, raw: unknown, by: { console: string; operator: string }, now: number): Promise<PublishResult> {
  const secrets = secretProblems(raw);
  if (secrets.length > 0) return { ok: false, problems: secrets.slice(0, 200) };
  // Production rules: rtsp:// and rtsps:// only (the demo's sim: cameras are the console's own).
  const parsed = parseCatalogueFile(JSON.stringify(raw));
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const body = canonicalJson(raw);
  const hash = catalogueSha256(raw);
  // The version number is the primary key: should two publications still meet, the loser retries with the next one.
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (trx) => {
        // PostgreSQL: one publication at a time (readers are not blocked); SQLite serialises writers by itself.
        if (trx.client.config.client === 'pg') await trx.raw('LOCK TABLE catalogue_versions IN EXCLUSIVE MODE');
        const last = await trx('catalogue_versions').orderBy('version', 'desc').first('version', 'sha256', 'published_at', 'published_by_console', 'published_by_operator');
        if (last && last.sha256 === hash) return { ok: true as const, unchanged: true, latest: rowToVersion(last) };
        const version = (last ? Number(last.version) : 0) + 1;
        const row = { version, sha256: hash, body, published_by_console: by.console, published_by_operator: by.operator, published_at: now };
        await trx('catalogue_versions').insert(row);
        return { ok: true as const, unchanged: false, latest: rowToVersion(row) };
      });
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= 4) throw err;
    }
  }
}

function rowToVersion(r: { version: unknown; sha256: string; published_at: unknown; published_by_console: string; published_by_operator: string }): CatalogueVersion {
  return { version: Number(r.version), sha256: r.sha256, publishedAt: Number(r.published_at), publishedBy: { console: r.published_by_console, operator: r.published_by_operator } };
}

/** The latest version with its body (parsed back), or undefined before the first publication. */
export async function latestCatalogue(db: Knex): Promise<(CatalogueVersion & { catalogue: unknown }) | undefined> {
  const r = await db('catalogue_versions').orderBy('version', 'desc').first();
  return r ? { ...rowToVersion(r), catalogue: JSON.parse(r.body as string) as unknown } : undefined;
}

/** The latest version's hash only (the 304 path reads no body). */
export async function latestCatalogueHash(db: Knex): Promise<string | undefined> {
  const r = await db('catalogue_versions').orderBy('version', 'desc').first('sha256');
  return r?.sha256 as string | undefined;
}

/** The console holding this token, and whether it may publish (`npm run server -- allow-publish <id>`). */
export async function consoleOfToken(db: Knex, token: string | undefined): Promise<{ id: string; canPublish: boolean } | undefined> {
  if (!token) return undefined;
  const r = await db('consoles').where({ token_sha256: sha256(token) }).first('id', 'can_publish_catalogue');
  return r ? { id: r.id as string, canPublish: Boolean(r.can_publish_catalogue) } : undefined;
}

export async function setCanPublish(db: Knex, consoleId: string, allowed: boolean): Promise<boolean> {
  return (await db('consoles').where({ id: consoleId }).update({ can_publish_catalogue: allowed })) > 0;
}

/** Whether an If-None-Match header names this hash (a list, weak or strong, or *). */
export function matchesEtag(header: string | undefined, hash: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === `"${hash}"`;
  });
}
