/**
 * French formats of the reports (DOMAIN.md: Europe/Paris, « 2 h 30 »; the CSV's
 * « 17/06/2021 14:05 » for French spreadsheets). The renderer has its own copy in
 * renderer/format.ts: main may not import the renderer, and these few lines are not worth a
 * shared module of their own yet.
 */
const TZ = 'Europe/Paris';
const numericFmt = new Intl.DateTimeFormat('fr-FR', { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const longDateFmt = new Intl.DateTimeFormat('fr-FR', { timeZone: TZ, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/**
 * The Paris offset only changes at the summer-time switches, which fall on the hour: it is looked
 * up once per hour of the period and the fields computed by arithmetic. Intl's formatToParts on
 * every date of a 10,000-row report cost more than the rest of the CSV.
 */
const offsets = new Map<number, number>();
function parisOffsetMs(ms: number): number {
  const hour = Math.floor(ms / 3600000);
  let off = offsets.get(hour);
  if (off === undefined) {
    const p: Record<string, string> = {};
    for (const x of numericFmt.formatToParts(hour * 3600000)) p[x.type] = x.value;
    off = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) - hour * 3600000;
    if (offsets.size > 20000) offsets.clear();
    offsets.set(hour, off);
  }
  return off;
}

const two = (n: number) => String(n).padStart(2, '0');
function parts(ms: number): Record<'day' | 'month' | 'year' | 'hour' | 'minute', string> {
  const d = new Date(ms + parisOffsetMs(ms));
  return { day: two(d.getUTCDate()), month: two(d.getUTCMonth() + 1), year: String(d.getUTCFullYear()), hour: two(d.getUTCHours()), minute: two(d.getUTCMinutes()) };
}

/** « 17/06/2021 » */
export function dayNumeric(ms: number): string {
  const p = parts(ms);
  return `${p.day}/${p.month}/${p.year}`;
}

/** « 14:05 » */
export function hourNumeric(ms: number): string {
  const p = parts(ms);
  return `${p.hour}:${p.minute}`;
}

/** « 17/06/2021 14:05 » (the CSV's dates). */
export function dateTimeNumeric(ms: number): string {
  return `${dayNumeric(ms)} ${hourNumeric(ms)}`;
}

/** « 14 h 05 » */
export function hourFrench(ms: number): string {
  const p = parts(ms);
  return `${p.hour} h ${p.minute}`;
}

/** « jeudi 17 juin 2021, 14 h 05 » */
export function dateTimeFrench(ms: number): string {
  return `${longDateFmt.format(ms)}, ${hourFrench(ms)}`;
}

/** A Paris calendar day `YYYY-MM-DD` as « 17/06/2021 ». */
export function isoDayFrench(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}

/** « 2 h 30 », « 2 h », « 45 min » */
export function durationFrench(totalMinutes: number): string {
  const m = Math.max(0, Math.round(totalMinutes));
  const h = Math.floor(m / 60);
  const r = m % 60;
  if (h === 0) return `${r} min`;
  return r === 0 ? `${h} h` : `${h} h ${String(r).padStart(2, '0')}`;
}

/** A SHA-256 shortened the way the report prints it: « 3f2a…c9 ». */
export function shortFingerprint(hash: string): string {
  return hash.length > 8 ? `${hash.slice(0, 4)}…${hash.slice(-2)}` : hash;
}
