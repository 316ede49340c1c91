/**
 * The report's page layout (pdf.ts draws with it): where the next thing goes, table rows with
 * their cells wrapped once per distinct text, page breaks. The same code runs twice, a dry pass
 * that only measures (M of « page N / M ») and the drawing pass.
 */
import type { TFunction } from 'i18next';
import type PDFDocument from 'pdfkit';
import { TextRuns } from './pdf-text';

export type Doc = InstanceType<typeof PDFDocument>;
export const MARGIN = 36;
export const FOOTER_H = 26;
export const SIZE = 7.5;
export const PAD = 2;
export const GREY = '#555555';

/**
 * Where the next thing goes. The report is laid out twice with the same code: a dry pass that
 * only measures (to know M for « page N / M »), then the drawing pass, which writes each page's
 * footer as it leaves the page — so pdfkit can flush every finished page to the file instead of
 * holding 500 of them in memory (bufferPages).
 */
export class Layout {
  y: number;
  pageNo = 1;
  private wrapped = new Map<number, Map<string, string[] | null>>();
  private lineH = new Map<string, number>();
  private readonly runs: TextRuns;
  constructor(
    readonly doc: Doc,
    readonly t: TFunction,
    readonly dry: boolean,
    readonly footer: (pageNo: number, runs: TextRuns) => void,
  ) {
    this.y = doc.page.margins.top;
    this.runs = new TextRuns(doc);
  }
  get bottom(): number {
    return this.doc.page.height - MARGIN - FOOTER_H;
  }
  get width(): number {
    return this.doc.page.width - 2 * MARGIN;
  }
  newPage(): void {
    if (!this.dry) {
      this.footer(this.pageNo, this.runs);
      this.doc.addPage();
    }
    this.pageNo++;
    this.y = this.doc.page.margins.top;
  }
  /** The last page's footer (the others are written as they are left). */
  finish(): void {
    if (!this.dry) this.footer(this.pageNo, this.runs);
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
    // One map per font and width, keyed by the text itself: no key string built per cell.
    const mapKey = bold ? -width : width;
    let byText = this.wrapped.get(mapKey);
    if (!byText) this.wrapped.set(mapKey, (byText = new Map()));
    let ls = byText.get(text);
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
      if (byText.size > 20000) byText.clear();
      byText.set(text, ls);
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
    return this.heightOf(text, width, bold, this.lines(text, width, bold));
  }
  private heightOf(text: string, width: number, bold: boolean, ls: string[] | null): number {
    if (ls) return ls.length * this.lineHeight(bold);
    this.doc.font(bold ? 'bold' : 'regular').fontSize(SIZE);
    return this.doc.heightOfString(text, { width: width - 2 * PAD });
  }
  /** One table row; returns false (nothing drawn) if it does not fit on this page. */
  row(cells: string[], widths: readonly number[], opts: { bold?: boolean; fill?: string } = {}): boolean {
    const bold = !!opts.bold;
    const wrapped = cells.map((c, i) => this.lines(c, widths[i]!, bold));
    let h = 0;
    for (let i = 0; i < cells.length; i++) h = Math.max(h, this.heightOf(cells[i]!, widths[i]!, bold, wrapped[i]!));
    h += 2 * PAD;
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
    for (let i = 0; i < cells.length; i++) {
      const ls = wrapped[i];
      if (ls) for (let k = 0; k < ls.length; k++) this.runs.line(ls[k]!, x + PAD, this.y + PAD + k * lh);
      else {
        this.runs.end();
        doc.text(cells[i]!, x + PAD, this.y + PAD, { width: widths[i]! - 2 * PAD, lineBreak: true });
      }
      x += widths[i]!;
    }
    this.runs.end();
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

