/**
 * The report's period, chosen as a Paris calendar day, week, month or custom dates, turned into
 * instants. Supervisors think in local days: a « journée du 17 juin » runs from Paris midnight
 * to Paris midnight, whatever the workstation's zone or the summer-time change that night.
 */
import { z } from 'zod';
import { AppError } from '../errors';

// Checked in periodDays rather than here, so an empty or malformed date gets its own French message.
const isoDay = z.string().max(10);
export const ReportPeriod = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('day'), day: isoDay }).strict(),
  /** The week (Monday to Sunday) holding `day`. */
  z.object({ kind: z.literal('week'), day: isoDay }).strict(),
  z.object({ kind: z.literal('month'), month: z.string().max(7) }).strict(),
  /** Both days included. */
  z.object({ kind: z.literal('custom'), from: isoDay, to: isoDay }).strict(),
]);
export type ReportPeriod = z.infer<typeof ReportPeriod>;

/** A report covers at most a year and a day (a leap year's 366 days): the convention's horizon. */
export const MAX_PERIOD_DAYS = 366;

/** Whether `YYYY-MM-DD` names a real calendar day (2021-02-30 does not). */
function realDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

/** The Paris offset (ms) in force at an instant. */
function parisOffsetMs(utcMs: number): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' }).formatToParts(utcMs).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60000 : 0;
}

/** The instant a Paris calendar day starts. Summer time changes at 02:00/03:00, so the offset at 00:00 is the midnight one. */
export function parisMidnight(day: string): number {
  const utc = Date.parse(`${day}T00:00:00Z`);
  return utc - parisOffsetMs(utc - parisOffsetMs(utc));
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
}

/** First and last Paris day of the period (both included), checked. */
export function periodDays(p: ReportPeriod): { first: string; last: string } {
  const given = p.kind === 'custom' ? [p.from, p.to] : p.kind === 'month' ? [p.month] : [p.day];
  if (given.some((d) => d.trim() === '')) throw new AppError('PERIOD_EMPTY', 'the period has no date');
  let first: string;
  let last: string;
  switch (p.kind) {
    case 'day':
      first = last = p.day;
      break;
    case 'week': {
      if (!realDay(p.day)) throw new AppError('PERIOD_INVALID', `not a calendar day: ${p.day}`);
      const weekday = (new Date(`${p.day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
      first = addDays(p.day, -weekday);
      last = addDays(first, 6);
      break;
    }
    case 'month': {
      first = `${p.month}-01`;
      if (!/^\d{4}-\d{2}$/.test(p.month) || !realDay(first)) throw new AppError('PERIOD_INVALID', `not a month: ${p.month}`);
      const [y, m] = p.month.split('-').map(Number) as [number, number];
      last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
      break;
    }
    case 'custom':
      first = p.from;
      last = p.to;
      break;
  }
  if (!realDay(first) || !realDay(last)) throw new AppError('PERIOD_INVALID', `not a calendar day: ${first} / ${last}`);
  if (last < first) throw new AppError('PERIOD_INVALID', 'the period ends before it starts');
  const days = Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86400000) + 1;
  if (days > MAX_PERIOD_DAYS) throw new AppError('REPORT_PERIOD_TOO_LONG', `the period spans ${days} days, more than ${MAX_PERIOD_DAYS}`, { days, max: MAX_PERIOD_DAYS });
  return { first, last };
}

/** The period as instants: `from` inclusive, `to` exclusive (the next day's Paris midnight). */
export function periodRange(p: ReportPeriod): { first: string; last: string; from: number; to: number } {
  const { first, last } = periodDays(p);
  return { first, last, from: parisMidnight(first), to: parisMidnight(addDays(last, 1)) };
}
