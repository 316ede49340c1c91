/** French formats of DOMAIN.md, always in Europe/Paris whatever the workstation's zone. */
const TZ = 'Europe/Paris';

const dateFmt = new Intl.DateTimeFormat('fr-FR', { timeZone: TZ, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const hmFmt = new Intl.DateTimeFormat('fr-FR', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** « 14 h 05 » */
export function formatTime(ms: number): string {
  const parts = hmFmt.formatToParts(ms);
  const h = parts.find((p) => p.type === 'hour')?.value ?? '00';
  const m = parts.find((p) => p.type === 'minute')?.value ?? '00';
  return `${h} h ${m}`;
}

/** « jeudi 17 juin 2021 » */
export function formatDate(ms: number): string {
  return dateFmt.format(ms);
}

/** « jeudi 17 juin 2021, 14 h 05 » */
export function formatDateTime(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return `${formatDate(ms)}, ${formatTime(ms)}`;
}

/** « 2 h 30 », « 2 h », « 45 min » */
export function formatDuration(totalMinutes: number): string {
  const m = Math.max(0, Math.round(totalMinutes));
  const h = Math.floor(m / 60);
  const r = m % 60;
  if (h === 0) return `${r} min`;
  return r === 0 ? `${h} h` : `${h} h ${String(r).padStart(2, '0')}`;
}

const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const shortDayFmt = new Intl.DateTimeFormat('fr-FR', { timeZone: TZ, weekday: 'long', day: 'numeric', month: 'long' });

/** The Paris calendar day of an instant, as a number of days (for « demain »). */
function parisDayNumber(ms: number): number {
  return Math.round(Date.parse(`${dayFmt.format(ms)}T00:00:00Z`) / 86400000);
}

/** An end time as an operator reads it: « 13 h 48 » today, « demain 01 h 48 », else « samedi 19 juin, 01 h 48 ». */
export function formatEnd(ms: number, now: number): string {
  const days = parisDayNumber(ms) - parisDayNumber(now);
  if (days === 0) return formatTime(ms);
  if (days === 1) return `demain ${formatTime(ms)}`;
  return `${shortDayFmt.format(ms)}, ${formatTime(ms)}`;
}

/** Minutes left as every countdown shows them (tile, banner, active list): rounded up, so « 1 min » means the last minute. */
export function minutesLeft(endsAt: number, now: number): number {
  return Math.max(0, Math.ceil((endsAt - now) / 60000));
}

/** « Renouveler » is offered from this many minutes before the end (when the first warning comes). */
export const RENEW_FROM_MIN = 10;

/** « 16 h 02 », « 2 h 30 » read as one token inside a sentence: their spaces never break. */
export function unbreakable(text: string): string {
  return text.replace(/ /g, '\u00a0');
}

const catalogueDayFmt = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });

/** A calendar day of the catalogue (« 2026-12-31 », already a day in Paris) as « 31 décembre 2026 ». */
export function formatDay(iso: string): string {
  const ms = Date.parse(`${iso}T00:00:00Z`);
  if (!Number.isFinite(ms)) return iso;
  // French writes the first of the month as an ordinal: « 1er janvier 2026 ».
  return catalogueDayFmt.format(ms).replace(/^1 /, '1er ');
}
