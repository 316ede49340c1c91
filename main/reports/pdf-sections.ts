/**
 * The report's sections (DOMAIN.md, « What a registry report holds »): header with the filters
 * and the journal's verification, the transmissions, the refused requests, the totals, the
 * verification and the signature block, and each page's footer. Laid out by pdf-layout.ts.
 */
import type { TFunction } from 'i18next';
import type { RegistryRow, RegistryTotal } from '../../db/registry';
import { dateTimeFrench, dayNumeric, durationFrench, hourFrench, isoDayFrench } from './format';
import { mirrorLine, sourceLine, verificationLine } from './lines';
import type { ReportModel } from './model';
import { type Doc, FOOTER_H, GREY, type Layout, MARGIN } from './pdf-layout';
import type { TextRuns } from './pdf-text';

/** The transmissions' columns and their widths (pt): they fill A4 landscape's 770 pt. */
const LOCAL_COLUMNS = [
  ['day', 56],
  ['hour', 34],
  ['granted', 48],
  ['effective', 48],
  ['service', 105],
  ['motive', 110],
  ['site', 80],
  ['cameras', 118],
  ['operator', 90],
  ['end', 80],
] as const;
/** « Tous les postes du CSU »: the same, with « Poste » first (taken from the widest columns). */
const CENTRAL_COLUMNS = [['console', 56], ['day', 56], ['hour', 34], ['granted', 46], ['effective', 46], ['service', 96], ['motive', 100], ['site', 76], ['cameras', 100], ['operator', 86], ['end', 74]] as const;

/** One transmission's cells. Labels (motives, ends) are looked up once, not 10,000 times. */
function rowCells(t: TFunction, central: boolean): (r: RegistryRow) => string[] {
  const labels = new Map<string, string>();
  const label = (key: string) => {
    let v = labels.get(key);
    if (v === undefined) labels.set(key, (v = t(key)));
    return v;
  };
  return (r) => [
    ...(central ? [r.consoleId] : []),
    dayNumeric(r.startsAt),
    hourFrench(r.startsAt),
    durationFrench(r.grantedMin),
    r.effectiveMin === null ? label('report.ongoing') : durationFrench(r.effectiveMin),
    r.serviceName,
    label(`motives.${r.motive}`),
    r.siteName,
    r.cameras.map((c) => c.label).join(', '),
    `${r.operatorName} (${r.operatorMatricule})`,
    r.endReason ? label(`registry.ends.${r.endReason}`) : label('report.ongoing'),
  ];
}

export { mirrorLine, sourceLine, verificationLine };

export function header(l: Layout, m: ReportModel): void {
  const { t, doc } = l;
  l.text(t('report.title'), { size: 16, bold: true });
  l.para(`${m.organisation.csuName} — ${t('report.commune', { commune: m.organisation.commune })}`, { size: 10, bold: true });
  const p = m.filters.period;
  l.para(t('report.period', { from: isoDayFrench(p.first), to: isoDayFrench(p.last) }));
  const lb = m.filters.labels;
  const filters = [
    lb.site && `${t('report.filters.site')} : ${lb.site}`,
    lb.bailleur && `${t('report.filters.bailleur')} : ${lb.bailleur}`,
    lb.service && `${t('report.filters.service')} : ${lb.service}`,
    lb.motive && `${t('report.filters.motive')} : ${t(`motives.${lb.motive}`)}`,
    lb.operator && `${t('report.filters.operator')} : ${lb.operator}`,
    lb.console && `${t('report.csv.console')} : ${lb.console}`,
  ].filter(Boolean);
  l.para(`${t('report.filters.label')} : ${filters.length ? filters.join(' ; ') : t(m.source.kind === 'central' ? 'report.filters.noneCentral' : 'report.filters.none')}`);
  l.para(sourceLine(t, m.source), { bold: m.source.kind === 'central' });
  l.para(t('report.generated', { at: dateTimeFrench(m.generatedAt), name: m.generatedBy.name, matricule: m.generatedBy.matricule }));
  if (!m.verification.ok) {
    // DOMAIN.md: the registry is evidence; a broken chain is said on the first page, in red.
    const text = t('report.alteredWarning', { seq: m.verification.firstBrokenSeq ?? m.verification.verifiedSeq + 1 });
    doc.font('bold').fontSize(11);
    const h = doc.heightOfString(text, { width: l.width - 16 }) + 12;
    if (!l.dry) {
      doc.rect(MARGIN, l.y + 4, l.width, h).lineWidth(1.5).strokeColor('#b00020').stroke();
      doc.fillColor('#b00020').text(text, MARGIN + 8, l.y + 10, { width: l.width - 16 });
    }
    l.y += h + 10;
  }
  l.para(`${verificationLine(t, m)}. ${mirrorLine(t, m)}.`, { size: 8.5, color: GREY });
}

export async function transmissions(l: Layout, m: ReportModel): Promise<number> {
  const { t } = l;
  const columns = m.source.kind === 'central' ? CENTRAL_COLUMNS : LOCAL_COLUMNS;
  const widths = columns.map(([, w]) => w);
  const head = columns.map(([c]) => (c === 'console' ? t('report.csv.console') : t(`registry.cols.${c}`)));
  l.heading(t('report.transmissions', { count: m.count }));
  l.ensure(40);
  l.row(head, widths, { bold: true, fill: '#e6e6e6' });
  const cellsOf = rowCells(t, m.source.kind === 'central');
  let n = 0;
  for await (const r of m.rows()) {
    const cells = cellsOf(r);
    if (!l.row(cells, widths)) {
      l.newPage();
      l.row(head, widths, { bold: true, fill: '#e6e6e6' });
      l.row(cells, widths);
    }
    n++;
  }
  if (n === 0) l.para(t('report.noTransmission'));
  return n;
}

export function refused(l: Layout, m: ReportModel): void {
  const { t } = l;
  if (m.source.kind === 'central') {
    l.heading(t('report.central.refusedTitle'));
    return void l.para(t('report.central.refusedNotHeld'));
  }
  l.heading(t('report.refusedTitle', { count: m.refused.rows.length }));
  if (m.refused.rows.length === 0) return void l.para(t('report.noRefused'));
  if (m.refused.truncated) l.para(t('report.refusedTruncated'), { size: 8, color: GREY });
  const widths = [110, 110, 120, 150, 50, 229];
  const head = ['when', 'operator', 'site', 'motive', 'duration', 'reasons'].map((c) => t(`report.refusedCols.${c}`));
  l.row(head, widths, { bold: true, fill: '#e6e6e6' });
  for (const r of m.refused.rows) {
    const cells = [
      `${dayNumeric(r.ts)} ${hourFrench(r.ts)}`,
      r.operator,
      r.siteName ?? '—',
      r.motive && t(`motives.${r.motive}`, { defaultValue: r.motive }),
      r.durationMin === undefined ? '—' : durationFrench(r.durationMin),
      r.reasons.map((c) => t(`refusals.${c}`, { defaultValue: c })).join(' '),
    ].map((c) => c || '—');
    if (!l.row(cells, widths)) {
      l.newPage();
      l.row(head, widths, { bold: true, fill: '#e6e6e6' });
      l.row(cells, widths);
    }
  }
}

export function totals(l: Layout, m: ReportModel): void {
  const { t } = l;
  l.heading(t('report.totalsTitle'));
  const widths = [330, 80, 110, 110];
  const block = (dim: keyof ReportModel['totals'], label: (x: RegistryTotal) => string) => {
    const rows = m.totals[dim] ?? [];
    l.ensure(30 + Math.min(rows.length, 3) * 12);
    l.row([t(`report.totals.${dim}`), t('report.totals.count'), t('report.totals.granted'), t('report.totals.effective')], widths, { bold: true, fill: '#e6e6e6' });
    for (const x of rows) {
      const cells = [label(x), String(x.count), durationFrench(x.grantedMin), durationFrench(x.effectiveMin)];
      if (!l.row(cells, widths)) {
        l.newPage();
        l.row(cells, widths);
      }
    }
    const sum = (k: 'count' | 'grantedMin' | 'effectiveMin') => rows.reduce((a, x) => a + x[k], 0);
    const all = [t('report.totals.all'), String(sum('count')), durationFrench(sum('grantedMin')), durationFrench(sum('effectiveMin'))];
    if (!l.row(all, widths, { bold: true })) {
      l.newPage();
      l.row(all, widths, { bold: true });
    }
    l.y += 6;
  };
  block('motive', (x) => t(`motives.${x.key}`, { defaultValue: x.label }));
  block('site', (x) => x.label);
  block('service', (x) => x.label);
  block('operator', (x) => `${x.label} (${x.key})`);
  if (m.totals.console) block('console', (x) => x.key);
}

export function verificationAndSignature(l: Layout, m: ReportModel): void {
  const { t, doc } = l;
  l.heading(t('report.verificationTitle'));
  l.para(verificationLine(t, m));
  l.para(t('report.fullFingerprint', { hash: m.verification.headHash }), { size: 8, color: GREY });
  l.para(mirrorLine(t, m));
  l.ensure(120);
  l.y += 10;
  if (!l.dry) {
    const w = 330;
    const x = MARGIN + l.width - w;
    doc.rect(x, l.y, w, 100).lineWidth(0.8).strokeColor('black').stroke();
    doc.font('bold').fontSize(9).fillColor('black').text(t('report.signature.title'), x + 8, l.y + 8, { width: w - 16 });
    doc.font('regular').fontSize(8.5).text(t('report.signature.lines'), x + 8, doc.y + 6, { width: w - 16, lineGap: 8 });
  }
  l.y += 110;
}

/** `text` cut with « … » to fit `width` at the current font and size. */
function fitted(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let cut = text.length;
  while (cut > 0 && doc.widthOfString(`${text.slice(0, cut).trimEnd()}…`) > width) cut--;
  return `${text.slice(0, cut).trimEnd()}…`;
}

/**
 * Each page's footer: the verification and mirror line (the same on every page, so fitted once)
 * and « page N / M » right-aligned, written through the layout's text runs (pdfkit's wrapper, for
 * an ellipsis and an alignment, cost half a second over 500 pages).
 */
export function footerWriter(doc: Doc, t: TFunction, m: ReportModel, total: () => number): (pageNo: number, runs: TextRuns) => void {
  const width = doc.page.width - 2 * MARGIN - 90;
  doc.font('regular').fontSize(7);
  const text = fitted(doc, `${verificationLine(t, m)} · ${mirrorLine(t, m)}`, width);
  return (n, runs) => {
    const y = doc.page.height - MARGIN - FOOTER_H + 10;
    doc.moveTo(MARGIN, y - 4).lineTo(doc.page.width - MARGIN, y - 4).lineWidth(0.5).strokeColor('#999999').stroke();
    doc.font('regular').fontSize(7).fillColor(m.verification.ok ? GREY : '#b00020');
    runs.line(text, MARGIN, y);
    runs.end();
    const page = t('report.page', { n, m: total() });
    doc.fillColor('black');
    runs.line(page, doc.page.width - MARGIN - doc.widthOfString(page), y);
    runs.end();
  };
}
