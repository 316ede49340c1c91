/**
 * The report as an A4 PDF, drawn in main with pdfkit so both shells produce the same file. The
 * font is embedded (DejaVu Sans: every French character, « », …, the narrow no-break space).
 * Rows are drawn as they come from the database, read twice: once to measure (M of « page N / M »),
 * once to draw; each finished page goes to the file at once. Layout in pdf-layout.ts (table cells
 * through pdf-text.ts), sections in pdf-sections.ts.
 */
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { TFunction } from 'i18next';
import PDFDocument from 'pdfkit';
import { isoDayFrench } from './format';
import type { ReportModel } from './model';
import { Layout, MARGIN } from './pdf-layout';
import { footerWriter, header, refused, totals, transmissions, verificationAndSignature } from './pdf-sections';

export { mirrorLine, sourceLine, verificationLine } from './lines';

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
