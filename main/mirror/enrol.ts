/**
 * Enrolment of this console's Ed25519 key (issue G6): the one-time code `add-console` printed,
 * stored by the administrateur (« Code d'enrôlement »), sent once with the public key when the
 * server answers « not enrolled ». The private key never leaves the secret store.
 */
import { publicKeyOf } from '../../db/journal-signature';
import type { Logger } from '../log';
import { request } from './transport';

/** ok: the server took the key; no_code: none stored; refused: code wrong, expired or used; network: try again later. */
export type EnrolResult = 'ok' | 'no_code' | 'refused' | 'network';

export async function enrolKey(o: { url: string; token: string | undefined; code: string | undefined; privateKeyPem: string; ca?: string | undefined; timeoutMs: number; log: Logger }): Promise<EnrolResult> {
  if (!o.code) {
    o.log.error('mirror: the server wants this console enrolled, and no enrolment code is stored');
    return 'no_code';
  }
  try {
    const r = await request(o.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token ?? ''}` },
      body: JSON.stringify({ code: o.code, publicKey: publicKeyOf(o.privateKeyPem) }),
      timeoutMs: o.timeoutMs,
      ...(o.ca ? { ca: o.ca } : {}),
    });
    if (r.ok) o.log.warn('mirror: signing key enrolled with the central server');
    else o.log.error('mirror: enrolment refused (%d)', r.status);
    return r.ok ? 'ok' : 'refused';
  } catch (err) {
    o.log.error('mirror: enrolment failed (%s)', (err as { code?: string }).code ?? 'network');
    return 'network';
  }
}

/** What a 401 says about this console: its token, its enrolment, or its signature (French in `mirror.refusedReasons`). */
export function refusalReason(status: number, error: string | undefined, enrol: EnrolResult | undefined): 'token' | 'not_enrolled' | 'bad_signature' | 'enrolment_code_refused' {
  if (status === 401 && error === 'not enrolled') return enrol === 'refused' ? 'enrolment_code_refused' : 'not_enrolled';
  if (status === 401 && error === 'bad signature') return 'bad_signature';
  return 'token';
}
