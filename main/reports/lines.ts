/**
 * The report's sentences that the PDF, the screen's result and the footer share: which registry it
 * read and when, what is verified, and what the mirror has not sent yet.
 */
import type { TFunction } from 'i18next';
import { dateTimeFrench, shortFingerprint } from './format';
import type { ReportModel } from './model';

/** « Source : registre local du poste … » or « Source : registre central (https://…), lu le …, 3 postes ». */
export function sourceLine(t: TFunction, s: ReportModel['source']): string {
  if (s.kind === 'local') return t('report.source.local', { console: s.consoleId, at: dateTimeFrench(s.readAt) });
  return t('report.source.central', { server: s.serverOrigin, at: dateTimeFrench(s.readAt), count: s.consoles.length });
}

/**
 * This console's chain, verified now. For the central source, what vouches for the other consoles'
 * rows is said as it is: the central server checked each console's chain (and the signatures of
 * enrolled consoles) when it received them; this report does not re-verify them.
 */
export function verificationLine(t: TFunction, m: ReportModel): string {
  const v = m.verification;
  const central = m.source.kind === 'central';
  const verified = v.verifiedSeq > 0 ? t(central ? 'report.central.localVerifiedUpTo' : 'report.verifiedUpTo', { seq: v.verifiedSeq, fingerprint: shortFingerprint(v.headHash) }) : t('report.verifiedEmpty');
  const local = v.ok ? verified : `${t(central ? 'report.central.localAltered' : 'report.altered', { seq: v.firstBrokenSeq ?? v.verifiedSeq + 1 })} — ${verified}`;
  return central ? `${t('report.central.verifiedOnIngest')} ; ${local}` : local;
}

export function mirrorLine(t: TFunction, m: ReportModel): string {
  if (m.mirror.pending === null) return t('report.mirror.not_configured');
  if (m.mirror.pending === 0) return t('report.mirror.upToDate');
  // Read from the central registry, this console's entries not yet sent are missing from the report.
  return t(m.source.kind === 'central' ? 'report.central.pending' : 'report.mirror.pending', { count: m.mirror.pending });
}
