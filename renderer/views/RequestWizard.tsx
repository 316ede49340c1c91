import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MOTIVES, ZONES, type CatalogueView, type GrantView, type OperatorView } from '../../preload/contract';
import { formatDuration, formatEnd, unbreakable } from '../format';
import { errorText } from '../i18n';
import { ErrorAlert } from '../components/ErrorAlert';
import { Overlaps } from '../components/Overlaps';
import { duplicateCameraIds, overlapsOf } from '../components/overlap-rule';

type Step = 1 | 2 | 3 | 4 | 5;
const STEPS: Step[] = [1, 2, 3, 4, 5];
/** Where each refusal code from main is shown. */
const FIELD_OF: Record<string, 'site' | 'cameras' | 'motive' | 'justification' | 'duration' | 'service' | 'operator' | 'record'> = {
  SITE_UNKNOWN: 'site', SITE_INACTIVE: 'site', CONVENTION_MISSING: 'site', CONVENTION_NOT_YET_VALID: 'site', CONVENTION_EXPIRED: 'site',
  NO_CAMERA: 'cameras', CAMERA_NOT_OF_SITE: 'cameras', CAMERA_INACTIVE: 'cameras', CAMERA_ALREADY_TRANSMITTED: 'cameras',
  MOTIVE_NOT_ALLOWED: 'motive',
  JUSTIFICATION_TOO_SHORT: 'justification', JUSTIFICATION_TOO_LONG: 'justification', JUSTIFICATION_CONTROL_CHARS: 'justification',
  DURATION_NOT_INTEGER: 'duration', DURATION_TOO_SHORT: 'duration', DURATION_TOO_LONG: 'duration', DURATION_NOT_MULTIPLE_OF_15: 'duration',
  SERVICE_NOT_CONNECTED: 'service',
  OPERATOR_UNKNOWN: 'operator', OPERATOR_INACTIVE: 'operator', OPERATOR_NOT_DESIGNATED: 'operator', OPERATOR_ROLE: 'operator',
  RECORDING_NOT_ALLOWED: 'record', RECORDING_REASON_INVALID: 'record',
};
const STEP_OF = { site: 1, cameras: 2, motive: 3, justification: 3, duration: 4, service: 4, operator: 5, record: 5 } as const;

/** `renewal`: « Renouveler » a running grant — same site, cameras, motive and service, justified again. */
export function RequestWizard({ operator, onGranted, renewal, active = [], onRenew }: { operator: OperatorView; onGranted: (g: GrantView) => void; renewal?: GrantView | undefined; active?: GrantView[]; onRenew?: (g: GrantView) => void }) {
  const { t } = useTranslation();
  const [catalogue, setCatalogue] = useState<CatalogueView | undefined>();
  const [step, setStep] = useState<Step>(renewal ? 3 : 1);
  const [siteId, setSiteId] = useState(renewal?.siteId ?? '');
  const [cameraIds, setCameraIds] = useState<string[]>(renewal?.cameras.map((c) => c.id) ?? []);
  const [motive, setMotive] = useState<string>(renewal?.motive ?? '');
  const [justification, setJustification] = useState('');
  const [durationMin, setDurationMin] = useState(120);
  const [serviceId, setServiceId] = useState(renewal?.serviceId ?? '');
  // Recording is off by default, and offered only where the site's convention allows it (main checks again).
  const [recording, setRecording] = useState(false);
  const [recordReason, setRecordReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [notice, setNotice] = useState<string | undefined>();
  const [fatal, setFatal] = useState<string | undefined>();
  const [sending, setSending] = useState(false);

  useEffect(() => {
    window.csu.catalogue.get().then(setCatalogue, (e: unknown) => setFatal(errorText(t, e)));
  }, [t]);

  const site = catalogue?.sites.find((s) => s.id === siteId);
  const conv = site?.convention;
  const durations = useMemo(() => {
    const out: number[] = [];
    for (let m = conv?.minDurationMin ?? 120; m <= (conv?.maxDurationMin ?? 720); m += 30) out.push(m);
    return out;
  }, [conv]);
  const services = catalogue?.services.filter((s) => conv?.serviceIds.includes(s.id)) ?? [];
  const renews = renewal && renewal.siteId === siteId ? renewal.id : undefined;
  // Before step 4 the service is known only where the convention connects a single one.
  const knownService = serviceId || (services.length === 1 ? services[0]!.id : '');
  const overlaps = overlapsOf(cameraIds, active, renews, knownService, Date.now());
  const duplicates = duplicateCameraIds(overlaps);

  function refuse(codes: string[]): void {
    const byField: Record<string, string[]> = {};
    for (const c of codes) (byField[FIELD_OF[c] ?? 'operator'] ??= []).push(t(`refusals.${c}`));
    setErrors(byField);
  }

  /** What the operator can be told before asking main (main checks everything again): « nothing chosen » is not « unknown ». */
  function localCheck(s: Step): Record<string, string[]> {
    if (s === 1 && !siteId) return { site: [t('wizard.noSite')] };
    if (s === 2 && cameraIds.length === 0) return { cameras: [t('refusals.NO_CAMERA')] };
    if (s === 3) {
      const out: Record<string, string[]> = {};
      if (!motive) out.motive = [t('wizard.noMotive')];
      if (justification.trim().length < 10) out.justification = [t('refusals.JUSTIFICATION_TOO_SHORT')];
      return out;
    }
    if (s === 4 && !serviceId) return { service: [t('wizard.noService')] };
    return {};
  }

  function next() {
    const found = localCheck(step);
    setErrors(found);
    if (Object.keys(found).length === 0) {
      setNotice(undefined);
      setStep((step + 1) as Step);
    }
  }

  /** A new site: what depended on the old one goes, and the operator is told so. */
  function chooseSite(id: string) {
    if (id === siteId) return;
    const next = catalogue?.sites.find((x) => x.id === id);
    const hadChoices = cameraIds.length > 0 || motive !== '' || serviceId !== '';
    setSiteId(id);
    setCameraIds([]);
    setMotive('');
    setServiceId('');
    setRecording(false);
    setRecordReason('');
    // Start at a duration the new site's convention allows (its minimum), never at one it refuses.
    setDurationMin(next?.convention?.minDurationMin ?? 120);
    setErrors({});
    setNotice(hadChoices && next ? t('wizard.siteChanged', { site: next.name }) : undefined);
  }

  /** « Retirer les caméras déjà transmises »: with none left, back to the cameras. */
  function removeDuplicates() {
    const rest = cameraIds.filter((id) => !duplicates.has(id));
    setCameraIds(rest);
    if (rest.length === 0) {
      setErrors({ cameras: [t('refusals.NO_CAMERA')] });
      setStep(2);
    } else setErrors(({ cameras: _, ...others }) => others);
  }

  async function submit() {
    if (sending || duplicates.size > 0) return; // a double click sends once; a duplicate is not sent (main refuses it too)
    setSending(true);
    setFatal(undefined);
    try {
      const r = await window.csu.grants.request({ siteId, cameraIds, motive, justification, durationMin, serviceId, ...(renews ? { renews } : {}), ...(recording && conv?.recordingAllowed ? { record: { reason: recordReason } } : {}) });
      if (r.accepted) onGranted(r.grant);
      else {
        refuse(r.reasons);
        const first = Math.min(...r.reasons.map((c) => STEP_OF[FIELD_OF[c] ?? 'operator']));
        setStep(first as Step);
      }
    } catch (e) {
      setFatal(errorText(t, e));
    } finally {
      setSending(false);
    }
  }

  const fieldErrors = (f: string) =>
    errors[f]?.map((m) => (
      <p key={m} className="error field-error" role="alert">
        {m}
      </p>
    ));

  if (!operator.designated) {
    // Every request would be refused (and journaled): say so at once, not after five steps.
    return (
      <section aria-labelledby="wizard-title" className="wizard">
        <h2 id="wizard-title">{t('wizard.title')}</h2>
        <p className="error" role="alert" data-testid="not-designated">
          {t('wizard.notDesignated')}
        </p>
      </section>
    );
  }
  if (!catalogue) return <p>{fatal ?? t('common.loading')}</p>;
  return (
    <section aria-labelledby="wizard-title" className="wizard">
      <h2 id="wizard-title">{t('wizard.title')}</h2>
      {renewal && (
        <p className="notice" role="status" data-testid="renewal-notice">
          {t('renewal.notice', { site: renewal.siteName, end: unbreakable(formatEnd(renewal.endsAt, Date.now())) })}
        </p>
      )}
      <ol className="steps" aria-label={t('wizard.progress')}>
        {STEPS.map((s) => (
          <li key={s} className={s === step ? 'current' : s < step ? 'done' : ''} aria-current={s === step ? 'step' : undefined}>
            {t(`wizard.step${s}`)}
          </li>
        ))}
      </ol>
      <div className="panel">
        {step === 1 && (
          <fieldset>
            <legend>{t('wizard.site')}</legend>
            {catalogue.sites.map((s) => (
              <label key={s.id} className="choice">
                <input type="radio" name="site" value={s.id} checked={siteId === s.id} onChange={() => chooseSite(s.id)} />
                <span>
                  <strong>{s.name}</strong> — {t('wizard.landlord')} {s.bailleurName}, {t('wizard.homes', { count: s.homes })}
                  <br />
                  <small>{s.addresses.join(' · ')}</small>
                  {!s.convention && <small className="warn"> {t('wizard.noConvention')}</small>}
                </span>
              </label>
            ))}
            {fieldErrors('site')}
            {notice && (
              <p className="notice" role="status" data-testid="site-changed">
                {notice}
              </p>
            )}
          </fieldset>
        )}
        {step === 2 && site && (
          <fieldset>
            <legend>{t('wizard.cameras', { site: site.name })}</legend>
            <button type="button" onClick={() => setCameraIds(cameraIds.length === site.cameras.length ? [] : site.cameras.map((c) => c.id))}>
              {cameraIds.length === site.cameras.length ? t('wizard.selectNone') : t('wizard.selectAll')}
            </button>
            {ZONES.filter((z) => site.cameras.some((c) => c.zone === z)).map((z) => (
              <div key={z} className="zone-group" role="group" aria-label={t(`zones.${z}`)}>
                <h3>{t(`zones.${z}`)}</h3>
                {site.cameras
                  .filter((c) => c.zone === z)
                  .map((c) => (
                    <label key={c.id} className="choice">
                      <input type="checkbox" checked={cameraIds.includes(c.id)} onChange={(e) => setCameraIds(e.target.checked ? [...cameraIds, c.id] : cameraIds.filter((x) => x !== c.id))} />
                      {c.label}
                    </label>
                  ))}
              </div>
            ))}
            {fieldErrors('cameras')}
            <Overlaps overlaps={overlaps} serviceKnown={knownService !== ''} matricule={operator.matricule} onRenew={onRenew} onRemove={removeDuplicates} />
          </fieldset>
        )}
        {step === 3 && (
          <>
            <fieldset>
              <legend>{t('wizard.motive')}</legend>
              {MOTIVES.filter((m) => !conv || conv.motives.includes(m)).map((m) => (
                <label key={m} className="choice">
                  <input type="radio" name="motive" value={m} checked={motive === m} onChange={() => setMotive(m)} />
                  {t(`motives.${m}`)}
                </label>
              ))}
              {fieldErrors('motive')}
            </fieldset>
            <label className="block">
              {t('wizard.justification')}
              <textarea value={justification} maxLength={1000} rows={4} onChange={(e) => setJustification(e.target.value)} placeholder={t('wizard.justificationHint')} />
              <small>{t('wizard.chars', { count: justification.trim().length })}</small>
            </label>
            {fieldErrors('justification')}
          </>
        )}
        {step === 4 && (
          <>
            <label className="block">
              {t('wizard.durationRange', { min: formatDuration(durations[0] ?? 120), max: formatDuration(durations[durations.length - 1] ?? 720) })}
              <select value={durationMin} onChange={(e) => setDurationMin(Number(e.target.value))}>
                {durations.map((d) => (
                  <option key={d} value={d}>
                    {formatDuration(d)}
                  </option>
                ))}
              </select>
            </label>
            {fieldErrors('duration')}
            <fieldset>
              <legend>{t('wizard.service')}</legend>
              {services.map((s) => {
                // This service already receives some of these cameras from this console: the summary will block it.
                const already = overlapsOf(cameraIds, active, renews, s.id, Date.now()).filter((o) => o.sameService).flatMap((o) => o.cameras.map((c) => c.label));
                return (
                  <label key={s.id} className="choice">
                    <input type="radio" name="service" value={s.id} checked={serviceId === s.id} onChange={() => setServiceId(s.id)} />
                    {s.name}
                    {already.length > 0 && (
                      <small className="already-receives" data-testid="service-duplicate">
                        {' '}
                        — {t('wizard.serviceAlreadyReceives', { cameras: already.join(', ') })}
                      </small>
                    )}
                  </label>
                );
              })}
              {fieldErrors('service')}
            </fieldset>
          </>
        )}
        {step === 5 && site && (
          <div className="summary">
            <h3>{t('wizard.step5')}</h3>
            <dl className="facts">
              <dt>{t('wizard.siteShort')}</dt>
              <dd>{site.name}</dd>
              <dt>{t('wizard.camerasShort')}</dt>
              <dd>{site.cameras.filter((c) => cameraIds.includes(c.id)).map((c) => c.label).join(', ')}</dd>
              <dt>{t('wizard.motive')}</dt>
              <dd>{motive ? t(`motives.${motive}`) : '—'}</dd>
              <dt>{t('wizard.justification')}</dt>
              <dd>{justification.trim()}</dd>
              <dt>{t('wizard.duration')}</dt>
              <dd>{formatDuration(durationMin)}</dd>
              <dt>{t('wizard.service')}</dt>
              <dd>{services.find((s) => s.id === serviceId)?.name ?? '—'}</dd>
            </dl>
            {conv?.recordingAllowed && (
              <fieldset className="record" data-testid="record-option">
                <label className="choice">
                  <input type="checkbox" checked={recording} onChange={(e) => setRecording(e.target.checked)} />
                  {t('wizard.record')}
                </label>
                <small>{t('wizard.recordHint', { days: conv.retentionDays ?? 30 })}</small>
                {recording && (
                  <label className="block">
                    {t('wizard.recordReason')}
                    <textarea value={recordReason} maxLength={1000} rows={2} onChange={(e) => setRecordReason(e.target.value)} />
                  </label>
                )}
                {fieldErrors('record')}
              </fieldset>
            )}
            <Overlaps overlaps={overlaps} serviceKnown={knownService !== ''} matricule={operator.matricule} onRenew={onRenew} onRemove={removeDuplicates} />
            <p className="notice">{t('wizard.legal')}</p>
            {fieldErrors('operator')}
          </div>
        )}
        <ErrorAlert message={fatal} />
        {step === 5 && duplicates.size > 0 && (
          <p id="submit-blocked" className="error submit-blocked" data-testid="submit-blocked">
            {t('overlap.submitBlocked')}
          </p>
        )}
        <div className="wizard-buttons">
          {step > 1 && (
            <button type="button" onClick={() => (setErrors({}), setStep((step - 1) as Step))}>
              {t('wizard.back')}
            </button>
          )}
          {step < 5 ? (
            <button type="button" className="primary" onClick={next}>
              {t('wizard.next')}
            </button>
          ) : (
            <button type="button" className="primary" onClick={submit} disabled={sending || duplicates.size > 0} aria-busy={sending} aria-describedby={duplicates.size > 0 ? 'submit-blocked' : undefined}>
              {t('wizard.submit')}
            </button>
          )}
        </div>
      </div>
    </section>
  );
}
