/**
 * Registry reports for superviseurs (issue G1): preview counts, then a PDF or CSV built from the
 * journal's registry view, with the journal's verification run first and printed in it. Every
 * report is journaled (report.generated: who, filters, format, rows, SHA-256 of the file), and so
 * is its verification (registry.verified). The finished file goes to the shell's delivery: the
 * save or print dialog in Electron, a one-time download link in the headless shell.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Knex } from 'knex';
import { getOperator } from '../../db/catalogue';
import { countRegistryRows } from '../../db/registry';
import { appendEntry, verifyChain } from '../../db/journal';
import type { MirrorStatusView, OperatorView } from '../../preload/contract';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { mainT } from '../i18n';
import type { IntegrityService } from '../integrity';
import type { Logger } from '../log';
import { readCentral, type CentralConfig } from './central';
import { writeCsv } from './csv';
import { shortFingerprint } from './format';
import { countsPreview, mirrorSummary, refusedRequests, resolveFilters, rowsOf, totals, type ReportFilters, type ReportModel, type Verification } from './model';
import { mirrorLine, sourceLine, verificationLine, writePdf } from './pdf';

export type ReportFormat = 'pdf' | 'csv';
export type DeliveryMode = 'save' | 'print';

export interface ReportFile {
  path: string;
  fileName: string;
  mime: string;
}

/** What a shell does with a finished report. */
export interface ReportDelivery {
  deliver(file: ReportFile, mode: DeliveryMode): Promise<{ url?: string; savedTo?: string | null }>;
}

export interface ReportServiceOptions {
  db: Knex;
  consoleId: string;
  clock: Clock;
  log: Logger;
  integrity: IntegrityService;
  mirrorStatus: () => MirrorStatusView;
  organisation: () => { commune: string; csuName: string };
  fontsDir: string;
  /** Where files are written before delivery (removed once delivered). */
  workDir: string;
  delivery: ReportDelivery;
  /** The central registry and this console's reader token, read at each report (a token stored by the administrateur needs no restart); undefined: « Ce poste » only. */
  central?: () => CentralConfig | undefined;
}

export class ReportService {
  constructor(private readonly o: ReportServiceOptions) {}

  /** Whether « Tous les postes du CSU » can be offered. */
  sources(): { central: boolean; serverOrigin: string | null } {
    const c = this.o.central?.();
    return { central: c !== undefined, serverOrigin: c ? new URL(c.serverUrl).origin : null };
  }

  private centralConfig(): CentralConfig {
    const c = this.o.central?.();
    if (!c) throw new AppError('CENTRAL_NOT_CONFIGURED', 'no central server or no reader token on this console');
    return c;
  }

  async preview(f: ReportFilters) {
    const r = await resolveFilters(this.o.db, this.o.consoleId, f);
    const now = this.o.clock.now();
    const central = f.source === 'central' ? await readCentral(this.centralConfig(), r.registry, { now }) : undefined;
    const counts = central ? { transmissions: central.count, refused: 0, totals: central.totals } : await countsPreview(this.o.db, this.o.consoleId, r);
    const source: ReportModel['source'] = central ? { kind: 'central', serverOrigin: central.serverOrigin, readAt: now, consoles: central.consoles } : { kind: 'local', consoleId: this.o.consoleId, readAt: now };
    const s = this.o.integrity.status();
    return {
      period: r.period,
      transmissions: counts.transmissions,
      refused: counts.refused,
      byMotive: counts.totals.motive.map((x) => ({ key: x.key, count: x.count })),
      bySite: counts.totals.site.map((x) => ({ key: x.key, label: x.label, count: x.count })),
      operators: counts.totals.operator.map((x) => ({ matricule: x.key, name: x.label })),
      verification: { ok: s.state === 'ok', verifiedSeq: s.verifiedSeq, fingerprint: shortFingerprint(s.headHash), firstBrokenSeq: s.firstBrokenSeq, checkedAt: s.checkedAt },
      source: { kind: source.kind, serverOrigin: central?.serverOrigin ?? null, readAt: now, consoles: central ? central.consoles : [this.o.consoleId], line: sourceLine(mainT(), source) },
      byConsole: central ? (central.totals.console ?? []).map((x) => ({ key: x.key, count: x.count })) : [{ key: this.o.consoleId, count: counts.transmissions }],
    };
  }

  /**
   * The chain verified now, whole (db/journal.ts verifyChain: one SHA-256 per row), and that
   * verification journaled. The registry view's comparison with the journal is left to G7's
   * IntegrityService (at start and every few minutes), whose finding is carried over: that SQL
   * comparison grows with the square of the registry (85 s for 10,000 grants here), too slow to
   * run on every report.
   *
   * Not only the entries after the IntegrityService's verified head, although that would save
   * most of the time: an entry below that head edited after the start-up check (the file is on
   * the supervisor's disk) would then go unseen, and « Registre vérifié jusqu'à l'entrée n° N »
   * would vouch for a check made hours ago. Comparing the head's stored hash and a count is no
   * cheaper proof: an edited payload keeps both. So the whole chain, now, in every report.
   */
  private async verify(actor: string): Promise<Verification> {
    const chain = await verifyChain(this.o.db, this.o.consoleId);
    const known = this.o.integrity.status();
    let v: Verification = { ok: chain.ok, verifiedSeq: chain.head.seq, headHash: chain.head.hash, firstBrokenSeq: chain.firstBrokenSeq, reason: chain.reason };
    // A break once found stays reported until the console restarts (main/integrity.ts), and so in every report.
    if (chain.ok && known.state === 'altered') v = { ...v, ok: false, firstBrokenSeq: known.firstBrokenSeq, reason: known.reason };
    await appendEntry(this.o.db, this.o.consoleId, {
      kind: 'registry.verified',
      actor,
      ts: this.o.clock.now(),
      payload: { ok: v.ok, checked: chain.checked, ...(v.firstBrokenSeq !== undefined ? { firstBrokenSeq: v.firstBrokenSeq } : {}), ...(v.reason ? { reason: v.reason.slice(0, 100) } : {}) },
    });
    return v;
  }

  async model(f: ReportFilters, by: OperatorView): Promise<ReportModel> {
    const { db, consoleId, clock } = this.o;
    const filters = await resolveFilters(db, consoleId, f);
    if (filters.labels.operator) {
      const op = await getOperator(db, filters.labels.operator);
      if (op) filters.labels.operator = `${op.name} (${op.matricule})`;
    }
    const central = f.source === 'central' ? this.centralConfig() : undefined;
    const v0 = performance.now();
    // The local chain is verified and journaled whatever the source: the report prints it.
    const verification = await this.verify(by.matricule);
    this.o.log.info('report: journal verified in %d ms', Math.round(performance.now() - v0));
    const now = clock.now();
    if (central) return this.centralModel(central, filters, verification, now, by);
    const [mirror, t, refused, count] = await Promise.all([
      mirrorSummary(db, consoleId, this.o.mirrorStatus()),
      totals(db, filters.registry),
      refusedRequests(db, consoleId, filters),
      countRegistryRows(db, filters.registry),
    ]);
    return {
      organisation: this.o.organisation(),
      consoleId,
      generatedAt: now,
      generatedBy: { matricule: by.matricule, name: by.name },
      filters,
      source: { kind: 'local', consoleId, readAt: now },
      verification,
      mirror,
      count,
      totals: t,
      refused,
      rows: rowsOf(db, filters),
    };
  }

  /**
   * « Tous les postes du CSU »: the rows, counts and totals from one walk of the central registry,
   * spooled to the work folder (removed by `cleanup`); refused requests are not in the central
   * registry (it holds transmissions), and the PDF says so.
   */
  private async centralModel(c: CentralConfig, filters: ReportModel['filters'], verification: Verification, now: number, by: OperatorView): Promise<ReportModel> {
    const { db, consoleId } = this.o;
    await fs.mkdir(this.o.workDir, { recursive: true, mode: 0o700 });
    const spool = path.join(this.o.workDir, `${process.pid}-${Date.now()}-central.ndjson`);
    const t0 = performance.now();
    const read = await readCentral(c, filters.registry, { now, spool });
    this.o.log.info('report: central registry read in %d ms (%d rows, %d consoles)', Math.round(performance.now() - t0), read.count, read.consoles.length);
    return {
      organisation: this.o.organisation(),
      consoleId,
      generatedAt: now,
      generatedBy: { matricule: by.matricule, name: by.name },
      filters,
      source: { kind: 'central', serverOrigin: read.serverOrigin, readAt: read.readAt, consoles: read.consoles },
      verification,
      mirror: await mirrorSummary(db, consoleId, this.o.mirrorStatus()),
      count: read.count,
      totals: read.totals,
      refused: { rows: [], truncated: false },
      rows: read.rows,
      cleanup: () => fs.rm(spool, { force: true }),
    };
  }

  /**
   * The registry report of the Paris days covering [from, to], as a PDF in memory: the summary an
   * evidence bundle carries (issue G3). The bundle's manifest holds its SHA-256, and the bundle's
   * export is what is journaled (evidence.exported), after the verification the model journals.
   */
  async pdfSummary(from: number, to: number, siteId: string | undefined, by: OperatorView): Promise<Buffer> {
    const day = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(ms);
    const m = await this.model({ period: { kind: 'custom', from: day(from), to: day(Math.max(from, to - 1)) }, ...(siteId ? { siteId } : {}) }, by);
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    });
    await writePdf(sink, mainT(), m, this.o.fontsDir);
    return Buffer.concat(chunks);
  }

  /** Builds the file, journals it, hands it to the shell. */
  async generate(f: ReportFilters, format: ReportFormat, mode: DeliveryMode, by: OperatorView) {
    const t = mainT();
    const t0 = performance.now();
    const m = await this.model(f, by);
    try {
      return await this.write(m, format, mode, by, t, t0);
    } finally {
      await m.cleanup?.();
    }
  }

  private async write(m: ReportModel, format: ReportFormat, mode: DeliveryMode, by: OperatorView, t: ReturnType<typeof mainT>, t0: number) {
    const t1 = performance.now();
    await fs.mkdir(this.o.workDir, { recursive: true, mode: 0o700 });
    const stamp = new Date(m.generatedAt).toISOString().replace(/[-:]/g, '').slice(0, 15);
    // The CSV has no room for a note (a comment line is not CSV to a spreadsheet): its name says
    // « tous-postes » and when it was read; every row carries its « Poste ».
    const fileName = `rapport-registre${m.source.kind === 'central' ? '-tous-postes' : ''}_${m.filters.period.first}_${m.filters.period.last}_${stamp}.${format}`;
    const file = path.join(this.o.workDir, `${process.pid}-${Date.now()}-${fileName}`);
    const out = createWriteStream(file, { mode: 0o600 });
    let rows: number;
    let pages: number | undefined;
    try {
      if (format === 'pdf') ({ rows, pages } = await writePdf(out, t, m, this.o.fontsDir));
      else {
        rows = await writeCsv(out, t, m.rows());
        await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      }
    } catch (err) {
      out.destroy();
      await fs.rm(file, { force: true });
      throw err;
    }
    const t2 = performance.now();
    const { sha256, bytes } = await hashFile(file);
    await appendEntry(this.o.db, this.o.consoleId, { kind: 'report.generated', actor: by.matricule, ts: this.o.clock.now(), payload: { format, filters: m.filters.journal, rows, sha256, ...(m.source.kind === 'central' ? { source: 'central', server: m.source.serverOrigin, consoles: m.source.consoles.length } : { source: 'local' }) } });
    this.o.log.info('report %s generated by %s: %d rows, %d bytes, sha256 %s (verification and model %d ms, drawing %d ms, hash and journal %d ms)', format, by.matricule, rows, bytes, sha256, Math.round(t1 - t0), Math.round(t2 - t1), Math.round(performance.now() - t2));
    const delivered = await this.o.delivery.deliver({ path: file, fileName, mime: format === 'pdf' ? 'application/pdf' : 'text/csv; charset=utf-8' }, mode);
    return {
      format,
      fileName,
      rows,
      ...(pages !== undefined ? { pages } : {}),
      refused: m.refused.rows.length,
      sha256,
      bytes,
      verification: { ok: m.verification.ok, verifiedSeq: m.verification.verifiedSeq, fingerprint: shortFingerprint(m.verification.headHash), firstBrokenSeq: m.verification.firstBrokenSeq, line: verificationLine(t, m) },
      mirror: mirrorLine(t, m),
      source: sourceLine(t, m.source),
      ...(delivered.url ? { url: delivered.url } : {}),
      ...(delivered.savedTo !== undefined ? { savedTo: delivered.savedTo } : {}),
    };
  }
}

async function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}
