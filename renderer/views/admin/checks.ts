import type { Problem } from './problems';

/**
 * The form's own checks, before anything is sent: the same rules and codes as main's
 * (db/catalogue-file.ts), so the French text is the same whichever side finds the problem.
 * Main checks everything again; these only save a round trip and say it where the field is.
 */

/** rtsp:// or rtsps://, a host, no credentials inside (they go in « Utilisateur » / « Mot de passe »). */
export function streamUrlProblem(field: string, url: string): Problem | undefined {
  // Demo cameras (sim:…) are main's to accept or refuse: it knows the console's mode.
  if (url.startsWith('sim:')) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { path: field, code: 'url' };
  }
  if ((u.protocol !== 'rtsp:' && u.protocol !== 'rtsps:') || !u.hostname) return { path: field, code: 'url' };
  if (u.username || u.password) return { path: field, code: 'credentials_in_url' };
  return undefined;
}

/** The last day a convention starting on `from` may cover: one year, minus a day (CCH R127-8). */
export function lastDayOfOneYear(from: string): string {
  const d = new Date(`${from}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function conventionProblems(c: { parties: readonly string[]; signedOn: string; validFrom: string; validTo: string; minDurationMin: number; maxDurationMin: number; motives: readonly string[]; serviceIds: readonly string[] }): Problem[] {
  const out: Problem[] = [];
  // A convention is tripartite: the landlord, the town, the prefecture (and possibly more).
  if (c.parties.length < 3) out.push({ path: 'parties', code: 'too_few', params: { min: 3 } });
  if (c.validFrom && c.validTo) {
    if (c.validTo < c.validFrom) out.push({ path: 'validTo', code: 'dates_inverted' });
    else if (c.validTo > lastDayOfOneYear(c.validFrom)) out.push({ path: 'validTo', code: 'convention_too_long', params: { max: lastDayOfOneYear(c.validFrom) } });
  }
  if (c.signedOn && c.validFrom && c.signedOn > c.validFrom) out.push({ path: 'signedOn', code: 'signed_after_start' });
  if (c.minDurationMin > c.maxDurationMin) out.push({ path: 'minDurationMin', code: 'durations_inverted' });
  if (c.motives.length === 0) out.push({ path: 'motives', code: 'too_few', params: { min: 1 } });
  if (c.serviceIds.length === 0) out.push({ path: 'serviceIds', code: 'too_few', params: { min: 1 } });
  return out;
}
