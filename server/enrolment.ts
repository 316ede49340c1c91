/**
 * Enrolment of a console's signing key: `add-console` prints the bearer token and a one-time
 * enrolment code (valid 7 days, only its SHA-256 stored); the console sends its Ed25519 public key
 * with that code once; from then on the server accepts only batches it signed.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import { keyFingerprint, parsePublicKey } from '../db/journal-signature';
import { issueToken } from './store';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const ENROLMENT_VALID_MS = 7 * 24 * 3600 * 1000;

/** A new (or, with rotate, re-keyed) console that must sign: its token and its enrolment code. */
export async function addSignedConsole(db: Knex, id: string, now: number, opts: { rotate?: boolean } = {}): Promise<{ token: string; code: string }> {
  const token = await issueToken(db, 'consoles', id, now, opts);
  const code = randomBytes(12).toString('base64url');
  // A rotation forgets the old key too: whoever held the old token may hold the old key.
  await db('consoles').where({ id }).update({ signed: true, public_key: null, enrolment_sha256: sha256(code), enrolment_expires_at: now + ENROLMENT_VALID_MS });
  return { token, code };
}

export type EnrolResult = 'ok' | 'bad_code' | 'already_enrolled' | 'bad_key';

export async function registerKey(db: Knex, id: string, code: string, publicKeyPem: string, now: number): Promise<EnrolResult> {
  const key = parsePublicKey(publicKeyPem);
  if (!key) return 'bad_key';
  return db.transaction(async (trx) => {
    const row = await trx('consoles').where({ id }).first('public_key', 'enrolment_sha256', 'enrolment_expires_at');
    if (!row) return 'bad_code';
    if (row.public_key) return 'already_enrolled';
    const want = Buffer.from(String(row.enrolment_sha256 ?? ''), 'hex');
    const got = Buffer.from(sha256(code), 'hex');
    if (want.length !== got.length || !timingSafeEqual(want, got) || Number(row.enrolment_expires_at ?? 0) < now) return 'bad_code';
    await trx('consoles').where({ id }).update({ public_key: key, enrolment_sha256: null, enrolment_expires_at: null, signed: true });
    return 'ok';
  });
}

export async function signingOf(db: Knex, id: string): Promise<{ signed: boolean; publicKey: string | null }> {
  const row = await db('consoles').where({ id }).first('signed', 'public_key');
  return { signed: Boolean(row?.signed), publicKey: (row?.public_key as string | null) ?? null };
}

/** What `npm run server -- consoles` lists: each console, whether it signs, its enrolled key's fingerprint, whether it publishes. */
export interface ConsoleListing {
  id: string;
  signed: boolean;
  /** SHA-256 of the enrolled key (csu-verify prints its first 16 digits); null before enrolment. */
  keyFingerprint: string | null;
  /** A signing console not enrolled yet: until when its one-time code is valid. */
  enrolmentExpiresAt: number | null;
  canPublishCatalogue: boolean;
}

export async function listConsoles(db: Knex): Promise<ConsoleListing[]> {
  const rows = (await db('consoles').orderBy('id').select('id', 'signed', 'public_key', 'enrolment_expires_at', 'can_publish_catalogue')) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: String(r.id),
    signed: Boolean(r.signed),
    keyFingerprint: r.public_key ? keyFingerprint(String(r.public_key)) : null,
    enrolmentExpiresAt: r.enrolment_expires_at == null ? null : Number(r.enrolment_expires_at),
    canPublishCatalogue: Boolean(r.can_publish_catalogue),
  }));
}

/** One line per console, for people: `poste-1  signed  key sha256:3f2a…  publishes the catalogue`. */
export function formatConsoleListing(c: ConsoleListing, now: number): string {
  const key = !c.signed
    ? 'unsigned (token only)'
    : c.keyFingerprint
      ? `key sha256:${c.keyFingerprint}`
      : c.enrolmentExpiresAt !== null && c.enrolmentExpiresAt >= now
        ? `awaiting enrolment (code valid until ${new Date(c.enrolmentExpiresAt).toISOString()})`
        : 'awaiting enrolment (code expired: add-console <id> --rotate)';
  return `${c.id}  ${key}${c.canPublishCatalogue ? '  publishes the catalogue' : ''}`;
}
