/**
 * The report as CSV for French spreadsheets (DOMAIN.md): UTF-8 with a BOM (so the spreadsheet
 * reads the accents), `;` as separator (the comma is the French decimal mark), CRLF line ends,
 * dates « 17/06/2021 14:05 ». One row per transmission, the PDF's columns plus the
 * justification, written to the stream as the rows come from the database.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { TFunction } from 'i18next';
import type { RegistryRow } from '../../db/registry';
import { dateTimeNumeric, dayNumeric, durationFrench, hourNumeric } from './format';

/**
 * One cell. Quoted when it holds the separator, a quote, a line break or edge spaces (RFC 4180,
 * quotes doubled). A cell a spreadsheet would run as a formula (= + - @, tab, CR first) is
 * prefixed with « ' » (OWASP's advice against CSV injection): a justification is free text typed
 * by an operator and must never execute on the town's machine.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let s = value;
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[;"\r\n]|^\s|\s$/;

export const CSV_COLUMNS = ['day', 'hour', 'startedAt', 'endedAt', 'granted', 'grantedMin', 'effective', 'effectiveMin', 'service', 'motive', 'justification', 'site', 'cameras', 'operator', 'operatorName', 'end', 'console', 'grantId'] as const;

function cells(t: TFunction, r: RegistryRow): (string | number | null)[] {
  const day = dayNumeric(r.startsAt);
  const hour = hourNumeric(r.startsAt);
  return [
    day,
    hour,
    `${day} ${hour}`,
    r.endedAt === null ? null : dateTimeNumeric(r.endedAt),
    durationFrench(r.grantedMin),
    r.grantedMin,
    r.effectiveMin === null ? t('report.ongoing') : durationFrench(r.effectiveMin),
    r.effectiveMin,
    r.serviceName,
    t(`motives.${r.motive}`),
    r.justification,
    r.siteName,
    r.cameras.map((c) => c.label).join(', '),
    r.operatorMatricule,
    r.operatorName,
    r.endReason ? t(`registry.ends.${r.endReason}`) : t('report.ongoing'),
    r.consoleId,
    r.grantId,
  ];
}

/** Writes the whole CSV to `out` (respecting back-pressure) and returns the number of rows. */
export async function writeCsv(out: Writable, t: TFunction, rows: AsyncIterable<RegistryRow>): Promise<number> {
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write('\uFEFF' + CSV_COLUMNS.map((c) => csvCell(t(`report.csv.${c}`))).join(';') + '\r\n');
  // Labels (motives, ends) are looked up once, not 10,000 times.
  const labels = new Map<string, string>();
  const cached = ((key: string) => {
    let v = labels.get(key);
    if (v === undefined) labels.set(key, (v = t(key)));
    return v;
  }) as unknown as TFunction;
  let n = 0;
  let chunk = '';
  for await (const r of rows) {
    chunk += cells(cached, r).map(csvCell).join(';') + '\r\n';
    // A few hundred rows per write: fewer syscalls, and never the whole report in one string.
    if (++n % 200 === 0) {
      await write(chunk);
      chunk = '';
    }
  }
  if (chunk) await write(chunk);
  return n;
}
