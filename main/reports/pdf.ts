/**
 * The report as an A4 PDF, drawn in main with pdfkit so both shells produce the same file. The
 * font is embedded (DejaVu Sans: every French character, « », …, the narrow no-break space).
 * Rows are drawn as they come from the database, read twice: once to measure (M of « page N / M »),
 * once to draw; each finished page goes to the file at once.
 */
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { TFunction } from 'i18next';
import PDFDocument from 'pdfkit';
import type { RegistryRow, RegistryTotal } from '../../db/registry';
import { dateTimeFrench, dayNumeric, durationFrench, hourFrench, isoDayFrench } from './format';
import { mirrorLine, sourceLine, verificationLine } from './lines';
import type { ReportModel } from './model';

type Doc = InstanceType<typeof PDFDocument>;

const MARGIN = 36;
const FOOTER_H = 26;
const SIZE = 7.5;
const PAD = 2;
const GREY = '#555555';

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

/**
 * Where the next thing goes. The report is laid out twice with the same code: a dry pass that
 * only measures (to know M for « page N / M »), then the drawing pass, which writes each page's
 * footer as it leaves the page — so pdfkit can flush every finished page to the file instead of
 * holding 500 of them in memory (bufferPages).
 */
class Layout {
  y: number;
  pageNo = 1;
  private wrapped = new Map<string, string[] | null>();
  private lineH = new Map<string, number>();
  constructor(
    readonly doc: Doc,
    readonly t: TFunction,
    readonly dry: boolean,
    readonly footer: (pageNo: number) => void,
  ) {
    this.y = doc.page.margins.top;
  }
  get bottom(): number {
    return this.doc.page.height - MARGIN - FOOTER_H;
  }
  get width(): number {
    return this.doc.page.width - 2 * MARGIN;
  }
  newPage(): void {
    if (!this.dry) {
      this.footer(this.pageNo);
      this.doc.addPage();
    }
    this.pageNo++;
    this.y = this.doc.page.margins.top;
  }
  /** The last page's footer (the others are written as they are left). */
  finish(): void {
    if (!this.dry) this.footer(this.pageNo);
  }
  ensure(h: number): boolean {
    if (this.y + h <= this.bottom) return false;
    this.newPage();
    return true;
  }
  /**
   * A cell's lines, wrapped once per distinct text and width: services, motives, sites and
   * operators repeat on thousands of rows, and pdfkit's own line wrapper costs more than drawing.
   * A word wider than the column (no break possible) is left to pdfkit's wrapper: `null`.
   */
  private lines(text: string, width: number, bold: boolean): string[] | null {
    const key = `${bold ? 'b' : 'r'}${width}|${text}`;
    let ls = this.wrapped.get(key);
    if (ls === undefined) {
      const doc = this.doc.font(bold ? 'bold' : 'regular').fontSize(SIZE);
      const max = width - 2 * PAD;
      ls = [];
      for (const para of text.split('\n')) {
        let line = '';
        for (const word of para.split(' ')) {
          const candidate = line ? `${line} ${word}` : word;
          if (doc.widthOfString(candidate) <= max) line = candidate;
          else if (doc.widthOfString(word) > max) {
            ls = null;
            break;
          } else {
            ls.push(line);
            line = word;
          }
        }
        if (ls === null) break;
        ls.push(line);
      }
      if (this.wrapped.size > 50000) this.wrapped.clear();
      this.wrapped.set(key, ls);
    }
    return ls;
  }
  private lineHeight(bold: boolean): number {
    const k = bold ? 'b' : 'r';
    let h = this.lineH.get(k);
    if (h === undefined) {
      h = this.doc.font(bold ? 'bold' : 'regular').fontSize(SIZE).currentLineHeight(true);
      this.lineH.set(k, h);
    }
    return h;
  }
  cellHeight(text: string, width: number, bold = false): number {
    const ls = this.lines(text, width, bold);
    if (ls) return ls.length * this.lineHeight(bold);
    this.doc.font(bold ? 'bold' : 'regular').fontSize(SIZE);
    return this.doc.heightOfString(text, { width: width - 2 * PAD });
  }
  /** One table row; returns false (nothing drawn) if it does not fit on this page. */
  row(cells: string[], widths: readonly number[], opts: { bold?: boolean; fill?: string } = {}): boolean {
    const bold = !!opts.bold;
    const h = Math.max(...cells.map((c, i) => this.cellHeight(c, widths[i]!, bold))) + 2 * PAD;
    if (this.y + h > this.bottom) return false;
    if (this.dry) {
      this.y += h;
      return true;
    }
    const doc = this.doc;
    if (opts.fill) doc.rect(MARGIN, this.y, widths.reduce((a, b) => a + b, 0), h).fill(opts.fill);
    doc.fillColor('black').font(bold ? 'bold' : 'regular').fontSize(SIZE);
    const lh = this.lineHeight(bold);
    let x = MARGIN;
    cells.forEach((c, i) => {
      const ls = this.lines(c, widths[i]!, bold);
      if (ls) ls.forEach((line, k) => line && doc.text(line, x + PAD, this.y + PAD + k * lh, { lineBreak: false }));
      else doc.text(c, x + PAD, this.y + PAD, { width: widths[i]! - 2 * PAD, lineBreak: true });
      x += widths[i]!;
    });
    doc
      .moveTo(MARGIN, this.y + h)
      .lineTo(x, this.y + h)
      .lineWidth(0.3)
      .strokeColor('#999999')
      .stroke();
    this.y += h;
    return true;
  }
  /** A block of text across the page; its height is measured, so both passes agree. */
  text(text: string, opts: { size?: number; color?: string; bold?: boolean; gap?: number } = {}): void {
    const size = opts.size ?? 9;
    this.doc.font(opts.bold ? 'bold' : 'regular').fontSize(size);
    const h = this.doc.heightOfString(text, { width: this.width });
    this.ensure(h + 2);
    if (!this.dry) this.doc.fillColor(opts.color ?? 'black').text(text, MARGIN, this.y, { width: this.width });
    this.y += h + (opts.gap ?? 2);
  }
  heading(text: string, size = 11): void {
    // A heading never ends a page alone: keep room for a few lines under it.
    this.ensure(size * 3 + 40);
    this.y += size * 0.6;
    this.text(text, { size, bold: true, gap: 3 });
  }
  para(text: string, opts: { size?: number; color?: string; bold?: boolean } = {}): void {
    this.text(text, opts);
  }
}

function header(l: Layout, m: ReportModel): void {
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

async function transmissions(l: Layout, m: ReportModel): Promise<number> {
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

function refused(l: Layout, m: ReportModel): void {
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

function totals(l: Layout, m: ReportModel): void {
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

function verificationAndSignature(l: Layout, m: ReportModel): void {
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

function footerWriter(doc: Doc, t: TFunction, m: ReportModel, total: () => number): (pageNo: number) => void {
  const text = `${verificationLine(t, m)} · ${mirrorLine(t, m)}`;
  return (n) => {
    // Writing below the bottom margin would make pdfkit open a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - FOOTER_H + 10;
    doc.moveTo(MARGIN, y - 4).lineTo(doc.page.width - MARGIN, y - 4).lineWidth(0.5).strokeColor('#999999').stroke();
    doc.font('regular').fontSize(7).fillColor(m.verification.ok ? GREY : '#b00020');
    doc.text(text, MARGIN, y, { width: doc.page.width - 2 * MARGIN - 90, lineBreak: false, ellipsis: true });
    doc.fillColor('black').text(t('report.page', { n, m: total() }), doc.page.width - MARGIN - 90, y, { width: 90, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  };
}

/** Both passes: the same calls, so the dry one counts exactly the pages the drawing one makes. */
async function layOut(l: Layout, m: ReportModel): Promise<number> {
  header(l, m);
  const rows = await transmissions(l, m);
  refused(l, m);
  totals(l, m);
  verificationAndSignature(l, m);
  l.finish();
  return rows;
}

/** Draws the whole report into `out`; resolves with the rows and pages once the file is complete. */
export async function writePdf(out: Writable, t: TFunction, m: ReportModel, fontsDir: string): Promise<{ rows: number; pages: number }> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN },
    autoFirstPage: true,
    info: { Title: t('report.title'), Author: m.organisation.csuName, Subject: t('report.period', { from: isoDayFrench(m.filters.period.first), to: isoDayFrench(m.filters.period.last) }), Creator: 'Console CSU' },
  });
  doc.registerFont('regular', path.join(fontsDir, 'DejaVuSans.ttf'));
  doc.registerFont('bold', path.join(fontsDir, 'DejaVuSans-Bold.ttf'));
  const done = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
    doc.once('error', reject);
  });
  doc.pipe(out);
  const dry = new Layout(doc, t, true, () => undefined);
  await layOut(dry, m);
  const pages = dry.pageNo;
  const draw = new Layout(doc, t, false, footerWriter(doc, t, m, () => pages));
  const rows = await layOut(draw, m);
  if (draw.pageNo !== pages) throw new Error(`report layout drifted: ${pages} pages measured, ${draw.pageNo} drawn`);
  doc.end();
  await done;
  return { rows, pages };
}
