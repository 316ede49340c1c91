import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogueView, EvidenceView, JournalEntryView, OperatorView, TimelineView } from '../../preload/contract';
import { formatDateTime, formatTime } from '../format';
import { errorText } from '../i18n';
import { ErrorAlert } from '../components/ErrorAlert';
import { RecordingPlayer } from './RecordingPlayer';

/** `datetime-local` in Paris time ↔ ms (the console's time zone, whatever the workstation's). */
function toLocalInput(ms: number): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
function fromLocalInput(v: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return undefined;
  const asUtc = Date.parse(`${v}:00Z`);
  const offset = Number(new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' }).formatToParts(asUtc).find((p) => p.type === 'timeZoneName')?.value.replace('GMT', '').split(':')[0] || 0);
  return asUtc - offset * 3600000;
}

const pct = (t: number, tl: TimelineView) => `${(Math.min(Math.max(t, tl.from), tl.to) - tl.from) / (tl.to - tl.from) * 100}%`;
const kindKey = (k: string) => `review.kinds.${k.replace('.', '_')}`;

/**
 * « Revue d'incident » (superviseurs, administrateurs): a period, one lane per camera with a bar per
 * transmission and a tick per journaled event; a tick opens its registry entry (seq, hashes).
 * Superviseurs export an evidence bundle that `csu-verify` checks offline.
 */
export function ReviewView({ operator, now }: { operator: OperatorView; now: number }) {
  const { t } = useTranslation();
  const [catalogue, setCatalogue] = useState<CatalogueView | undefined>();
  // By default the last six hours and the hour to come (where running transmissions end).
  const [from, setFrom] = useState(() => toLocalInput(now - 6 * 3600000));
  const [to, setTo] = useState(() => toLocalInput(now + 3600000));
  const [siteId, setSiteId] = useState('');
  const [timeline, setTimeline] = useState<TimelineView | undefined>();
  const [entry, setEntry] = useState<JournalEntryView | undefined>();
  const [exported, setExported] = useState<EvidenceView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [playing, setPlaying] = useState<{ grantId: string; cameraId: string; label: string; start: number } | undefined>();

  useEffect(() => {
    window.csu.catalogue.get().then(setCatalogue, () => undefined);
  }, []);

  const query = () => ({ from: fromLocalInput(from) ?? 0, to: fromLocalInput(to) ?? 0, siteId: siteId || undefined });

  async function show(e?: FormEvent, period?: { from: number; to: number }) {
    e?.preventDefault();
    setBusy(true);
    setError(undefined);
    setEntry(undefined);
    try {
      setTimeline(await window.csu.review.timeline(period ? { ...query(), ...period } : query()));
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  async function exportBundle() {
    setBusy(true);
    setError(undefined);
    try {
      setExported(await window.csu.review.exportEvidence(query()));
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  async function openEntry(seq: number) {
    try {
      setEntry(await window.csu.review.entry({ seq }));
    } catch (err) {
      setError(errorText(t, err));
    }
  }

  const ticks = timeline ? Array.from({ length: 7 }, (_, i) => timeline.from + ((timeline.to - timeline.from) * i) / 6) : [];
  const consoleMarkers = timeline?.markers.filter((m) => m.cameraId === null) ?? [];

  return (
    <section aria-labelledby="review-title" className="review">
      <h2 id="review-title">{t('review.title')}</h2>
      <p className="hint">{t('review.intro')}</p>
      <form className="filters" onSubmit={show}>
        <label>
          {t('review.from')}
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('review.to')}
          <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label>
          {t('review.site')}
          <select value={siteId} onChange={(e) => setSiteId(e.target.value)}>
            <option value="">{t('review.allSites')}</option>
            {catalogue?.sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {t('review.show')}
        </button>
        {[1, 6, 24].map((h) => (
          <button
            key={h}
            type="button"
            disabled={busy}
            onClick={() => {
              const p = { from: now - h * 3600000, to: now + 60000 };
              setFrom(toLocalInput(p.from));
              setTo(toLocalInput(p.to));
              void show(undefined, p);
            }}
          >
            {t('review.last', { count: h })}
          </button>
        ))}
        {operator.role === 'superviseur' && (
          <button type="button" onClick={exportBundle} disabled={busy}>
            {t('review.export')}
          </button>
        )}
      </form>
      <ErrorAlert message={error} />
      {exported && (
        <div className="notice" role="status" data-testid="evidence-exported">
          <p>{t('review.exported', { file: exported.fileName, size: Math.ceil(exported.bytes / 1024), sha: exported.sha256 })}</p>
          <p>{t('review.exportedWhere', { path: exported.path })}</p>
          <p>{t('review.verifyHint', { file: exported.fileName })}</p>
          {!!exported.recordings && <p>{t('review.exportedRecordings', { count: exported.recordings })}</p>}
          {!!exported.recordingProblems && (
            <p className="warn" data-testid="evidence-recording-problems">
              {t('review.exportedProblems', { count: exported.recordingProblems })}
            </p>
          )}
        </div>
      )}
      {timeline && (
        <div className="timeline" data-testid="timeline">
          <p className="hint">{t('review.legend')}</p>
          {timeline.truncated && <p className="warn">{t('review.truncated', { shown: timeline.markers.length, total: timeline.totalEvents })}</p>}
          {timeline.lanes.length === 0 && consoleMarkers.length === 0 && <p className="notice">{t('review.empty')}</p>}
          <div className="timeline-axis" aria-hidden="true">
            <span className="lane-label" />
            <div className="lane-track">
              {ticks.map((tk) => (
                <span key={tk} className="tick-label" style={{ left: pct(tk, timeline) }}>
                  {formatTime(tk)}
                </span>
              ))}
            </div>
          </div>
          {timeline.lanes.map((lane) => (
            <div key={lane.cameraId} className="lane" data-testid="timeline-lane" data-camera={lane.cameraId}>
              <span className="lane-label">
                <strong>{lane.label}</strong>
                <small>{lane.siteName}</small>
              </span>
              <div className="lane-track">
                {lane.bars.map((b) => {
                  const style = { left: pct(b.start, timeline), width: `calc(${pct(b.end, timeline)} - ${pct(b.start, timeline)})` };
                  const title = t('review.bar', { from: formatDateTime(b.start), to: b.ongoing ? t('review.ongoing') : formatDateTime(b.end), motive: t(`motives.${b.motive}`), service: b.serviceName, operator: b.operator });
                  const cls = `bar bar-${b.ongoing ? 'ongoing' : (b.endReason ?? 'other')}`;
                  // A recorded bar plays its recording: superviseurs only (images; an administrateur reviews without them).
                  return b.recorded && operator.role === 'superviseur' ? (
                    <button key={b.grantId} type="button" className={`${cls} bar-recorded`} style={style} title={`${title} — ${t('review.recording.recorded')}`} aria-label={t('review.recording.open', { camera: lane.label, from: formatDateTime(b.start) })} onClick={() => setPlaying({ grantId: b.grantId, cameraId: lane.cameraId, label: lane.label, start: b.start })} data-testid="timeline-bar" data-recorded="true" />
                  ) : (
                    <span key={b.grantId} className={`${cls}${b.recorded ? ' bar-recorded' : ''}`} style={style} title={b.recorded ? `${title} — ${t('review.recording.recorded')}` : title} data-testid="timeline-bar" data-recorded={b.recorded ? 'true' : undefined} />
                  );
                })}
                {timeline.markers
                  .filter((m) => m.cameraId === lane.cameraId)
                  .map((m) => (
                    <button key={`${m.seq}-${lane.cameraId}`} type="button" className="marker" style={{ left: pct(m.ts, timeline) }} title={`${formatDateTime(m.ts)} — ${t(kindKey(m.kind), { defaultValue: m.kind })} — ${m.actor}`} aria-label={`${t(kindKey(m.kind), { defaultValue: m.kind })} ${formatTime(m.ts)}`} onClick={() => void openEntry(m.seq)} data-testid="timeline-marker" data-kind={m.kind} />
                  ))}
              </div>
            </div>
          ))}
          {consoleMarkers.length > 0 && (
            <div className="lane lane-console" data-testid="timeline-lane" data-camera="">
              <span className="lane-label">
                <strong>{t('review.consoleLane')}</strong>
              </span>
              <div className="lane-track">
                {consoleMarkers.map((m) => (
                  <button key={m.seq} type="button" className="marker" style={{ left: pct(m.ts, timeline) }} title={`${formatDateTime(m.ts)} — ${t(kindKey(m.kind), { defaultValue: m.kind })} — ${m.actor}`} aria-label={`${t(kindKey(m.kind), { defaultValue: m.kind })} ${formatTime(m.ts)}`} onClick={() => void openEntry(m.seq)} data-testid="timeline-marker" data-kind={m.kind} />
                ))}
              </div>
            </div>
          )}
        </div>
      )}
      {playing && <RecordingPlayer key={`${playing.grantId}/${playing.cameraId}`} {...playing} matricule={operator.matricule} now={now} onClose={() => setPlaying(undefined)} />}
      {entry && (
        <div role="dialog" aria-labelledby="entry-title" className="panel entry-detail" data-testid="journal-entry">
          <h3 id="entry-title">{t('review.entryTitle', { seq: entry.seq })}</h3>
          <dl className="facts">
            <dt>{t('review.entryKind')}</dt>
            <dd>{t(kindKey(entry.kind), { defaultValue: entry.kind })}</dd>
            <dt>{t('review.entryWhen')}</dt>
            <dd>{formatDateTime(entry.ts)}</dd>
            <dt>{t('review.entryWho')}</dt>
            <dd>{entry.actor}</dd>
            <dt>{t('review.entryHash')}</dt>
            <dd className="mono">{entry.hash}</dd>
            <dt>{t('review.entryPrev')}</dt>
            <dd className="mono">{entry.prevHash}</dd>
            <dt>{t('review.entryPayload')}</dt>
            <dd>
              <pre className="mono">{JSON.stringify(entry.payload, null, 2)}</pre>
            </dd>
          </dl>
          <button type="button" onClick={() => setEntry(undefined)}>
            {t('review.close')}
          </button>
        </div>
      )}
    </section>
  );
}
