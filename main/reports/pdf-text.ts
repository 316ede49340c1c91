/**
 * The table's cells written straight into the page's content stream, one text object per row.
 * pdfkit's `doc.text` costs a save, a transform, a font lookup, two layouts (draw, then advance
 * doc.x) and a restore per call; a 10,000-row report makes about 100,000 of them and spent most of
 * its 3 s there (issue G1's benchmark). A cell's text repeats a lot (services, motives, sites,
 * dates), so each distinct string is encoded once per document and its TJ operand kept.
 *
 * The encoding still goes through pdfkit's embedded font (`encode`), which is what adds each glyph
 * to the subset and to the ToUnicode map: pdftotext reads these cells as it reads `doc.text`'s.
 * What it writes is what pdfkit's `_fragment` writes for a left-aligned, top-baseline, unstyled
 * line; a string whose glyphs carry offsets (marks, GPOS) is left to `doc.text`.
 * This leans on pdfkit 0.17's font object (`encode`, `ascender`, `id`, `ref`): checked at start,
 * and any mismatch falls back to `doc.text` for everything.
 */
import type PDFDocument from 'pdfkit';

type Doc = InstanceType<typeof PDFDocument>;

interface GlyphPosition {
  xAdvance: number;
  advanceWidth: number;
  xOffset: number;
  yOffset: number;
}

/** The parts of pdfkit's EmbeddedFont used here (not in its typings). */
interface EmbeddedFont {
  id: string;
  ascender: number;
  encode(text: string, features?: unknown): [string[], GlyphPosition[]];
  ref(): unknown;
}

interface DocInternals {
  _font?: EmbeddedFont;
  _fontSize: number;
  page: { height: number; fonts: Record<string, unknown> };
  addContent(data: string): void;
}

/** As pdfkit's PDFObject.number: six decimals, no exponent for the sizes of a page. */
const num = (n: number): string => String(Math.round(n * 1e6) / 1e6);

export class TextRuns {
  /** `${font id}|${text}` → the TJ operator of that text, or null when it must go through doc.text. */
  private operands = new Map<string, string | null>();
  private open: { font: EmbeddedFont; size: number } | undefined;

  constructor(private readonly doc: Doc) {}

  private get internals(): DocInternals {
    return this.doc as unknown as DocInternals;
  }

  private font(): EmbeddedFont | undefined {
    const f = this.internals._font;
    return f && typeof f.encode === 'function' && typeof f.ascender === 'number' && typeof f.id === 'string' ? f : undefined;
  }

  private operand(font: EmbeddedFont, text: string): string | null {
    const key = `${font.id}|${text}`;
    let op = this.operands.get(key);
    if (op !== undefined) return op;
    const [encoded, positions] = font.encode(text);
    const parts: string[] = [];
    let last = 0;
    // As pdfkit: a glyph whose advance differs from its width (kerning) ends a segment with the difference.
    const segment = (cur: number) => {
      if (last < cur) parts.push(`<${encoded.slice(last, cur).join('')}> ${num(-(positions[cur - 1]!.xAdvance - positions[cur - 1]!.advanceWidth))}`);
      last = cur;
    };
    op = '';
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if (p.xOffset || p.yOffset) {
        op = null;
        break;
      }
      if (p.xAdvance - p.advanceWidth !== 0) segment(i + 1);
    }
    if (op !== null) {
      segment(positions.length);
      op = `[${parts.join(' ')}] TJ`;
    }
    if (this.operands.size > 50000) this.operands.clear();
    this.operands.set(key, op);
    return op;
  }

  /**
   * One line of text with the document's current font, size and colour, its top-left corner at
   * (x, y) in pdfkit's coordinates — what `doc.text(text, x, y, { lineBreak: false })` draws.
   * Lines drawn in a row share one text object; `end()` closes it.
   */
  line(text: string, x: number, y: number): void {
    if (!text) return;
    const font = this.font();
    const op = font ? this.operand(font, text) : null;
    if (!font || op === null) {
      this.end();
      this.doc.text(text, x, y, { lineBreak: false });
      return;
    }
    const d = this.internals;
    if (!this.open || this.open.font !== font || this.open.size !== d._fontSize) {
      this.end();
      if (d.page.fonts[font.id] == null) d.page.fonts[font.id] = font.ref();
      // pdfkit's pages are drawn y-down; text is written in PDF's y-up space, as _fragment does.
      d.addContent(`q 1 0 0 -1 0 ${num(d.page.height)} cm BT /${font.id} ${num(d._fontSize)} Tf`);
      this.open = { font, size: d._fontSize };
    }
    const dy = (font.ascender / 1000) * d._fontSize;
    d.addContent(`1 0 0 1 ${num(x)} ${num(d.page.height - y - dy)} Tm ${op}`);
  }

  /** Closes the row's text object (before any other drawing, and before the page ends). */
  end(): void {
    if (!this.open) return;
    this.internals.addContent('ET Q');
    this.open = undefined;
  }
}
