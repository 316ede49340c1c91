import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MOTIVES, type AdminCatalogueView } from '../../../preload/contract';
import { formatDay, formatDuration } from '../../format';
import { AdminTable, LockableButton, RowActions } from './AdminTable';
import { EditPanel, Field, FieldProblems, FormButtons, FormErrors } from './Form';
import { SiteSelect } from './SiteSelect';
import { conventionProblems } from './checks';
import { newId } from './problems';
import { useAdminEdit } from './useAdminEdit';
import type { SectionProps } from './AdminView';

type Convention = AdminCatalogueView['conventions'][number];
type ConventionForm = Omit<Convention, 'parties' | 'signedOn' | 'retentionDays'> & { parties: string; signedOn: string; retentionDays: string };
/** A request lasts 2 h to 12 h (DOMAIN.md); the convention's bounds are chosen within, by quarter hours. */
const DURATIONS = Array.from({ length: (720 - 120) / 15 + 1 }, (_, i) => 120 + i * 15);
const FIELDS = ['siteId', 'parties', 'signedOn', 'validFrom', 'validTo', 'motives', 'minDurationMin', 'maxDurationMin', 'serviceIds', 'recordingAllowed', 'retentionDays'] as const;

/**
 * « Conventions »: the tripartite convention of each site (at most one year, CCH R127-8; recordings
 * kept 30 days at most, CSI L252-5). Never deactivated: a convention lapses at its end date and a
 * new one is entered for the renewal.
 */
export function ConventionsAdmin({ cat, reload }: SectionProps) {
  const { t } = useTranslation();
  const { edit, setEdit, save, open: openForm, store, close } = useAdminEdit<ConventionForm>(reload);
  const siteName = (id: string) => cat.sites.find((s) => s.id === id)?.name ?? id;
  const serviceName = (id: string) => cat.services.find((s) => s.id === id)?.name ?? id;

  function open(c: Convention) {
    openForm({ ...c, parties: c.parties.join('\n'), signedOn: c.signedOn ?? '', retentionDays: c.retentionDays === null ? '' : String(c.retentionDays) });
  }
  function create() {
    const site = cat.sites.find((s) => s.active);
    const bailleur = cat.bailleurs.find((b) => b.id === site?.bailleurId)?.name ?? '';
    openForm({ id: '', siteId: site?.id ?? '', parties: [bailleur, t('admin.conventions.defaultCommune'), t('admin.conventions.defaultPrefecture')].join('\n'), signedOn: '', validFrom: '', validTo: '', motives: [...MOTIVES], minDurationMin: 120, maxDurationMin: 720, serviceIds: [], recordingAllowed: false, retentionDays: '' });
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!edit) return;
    const args = {
      ...edit,
      id: edit.id || newId(`conv ${edit.siteId} ${edit.validFrom.slice(0, 4)}`, cat.conventions.map((c) => c.id)),
      parties: edit.parties.split('\n').map((p) => p.trim()).filter(Boolean),
      signedOn: edit.signedOn || null,
      retentionDays: edit.recordingAllowed && edit.retentionDays ? Number(edit.retentionDays) : null,
    };
    const problems = conventionProblems({ ...args, signedOn: edit.signedOn });
    if (problems.length > 0) return save.fail(problems);
    await store(() => window.csu.admin.saveConvention(args));
  }
  const toggle = (list: string[], v: string, on: boolean) => (on ? [...list.filter((x) => x !== v), v] : list.filter((x) => x !== v));

  return (
    <div className="admin-part" data-testid="admin-conventions">
      <h3>{t('admin.conventions.title')}</h3>
      <AdminTable headers={[t('admin.conventions.site'), t('admin.conventions.validity'), t('admin.conventions.signedOn'), t('admin.conventions.durations'), t('admin.conventions.services'), t('admin.conventions.recording'), t('admin.actions')]}>
        {cat.conventions.map((c) => (
          <tr key={c.id} data-testid="convention-row">
            <td>{siteName(c.siteId)}</td>
            <td>{t('admin.conventions.fromTo', { from: formatDay(c.validFrom), to: formatDay(c.validTo) })}</td>
            <td>{c.signedOn ? formatDay(c.signedOn) : '—'}</td>
            <td className="nowrap">{t('admin.conventions.durationRange', { min: formatDuration(c.minDurationMin), max: formatDuration(c.maxDurationMin) })}</td>
            <td>{c.serviceIds.map(serviceName).join(' · ')}</td>
            <td>{c.recordingAllowed ? t('admin.conventions.recordingDays', { count: c.retentionDays ?? 30 }) : t('admin.conventions.noRecording')}</td>
            <RowActions onEdit={() => open(c)} />
          </tr>
        ))}
      </AdminTable>
      {!edit && (
        <LockableButton onClick={create}>{t('admin.conventions.create')}</LockableButton>
      )}
      {edit && (
        <EditPanel title={t(edit.id ? 'admin.conventions.editTitle' : 'admin.conventions.create')} onSubmit={submit}>
          <Field name="siteId" label={t('admin.conventions.site')} problems={save.state.problems}>
            <SiteSelect sites={cat.sites} value={edit.siteId} onChange={(siteId) => setEdit({ ...edit, siteId })} disabled={!!edit.id} />
          </Field>
          <Field name="parties" label={t('admin.conventions.parties')} hint={t('admin.conventions.partiesHint')} problems={save.state.problems}>
            <textarea rows={3} value={edit.parties} onChange={(e) => setEdit({ ...edit, parties: e.target.value })} required />
          </Field>
          <div className="form-row">
            <Field name="signedOn" label={t('admin.conventions.signedOn')} problems={save.state.problems}>
              <input type="date" value={edit.signedOn} onChange={(e) => setEdit({ ...edit, signedOn: e.target.value })} />
            </Field>
            <Field name="validFrom" label={t('admin.conventions.validFrom')} problems={save.state.problems}>
              <input type="date" value={edit.validFrom} onChange={(e) => setEdit({ ...edit, validFrom: e.target.value })} required />
            </Field>
            <Field name="validTo" label={t('admin.conventions.validTo')} hint={t('admin.conventions.oneYear')} problems={save.state.problems}>
              <input type="date" value={edit.validTo} onChange={(e) => setEdit({ ...edit, validTo: e.target.value })} required />
            </Field>
          </div>
          <fieldset className="field">
            <legend>{t('admin.conventions.motives')}</legend>
            {MOTIVES.map((m) => (
              <label key={m} className="choice">
                <input type="checkbox" checked={edit.motives.includes(m)} onChange={(e) => setEdit({ ...edit, motives: toggle(edit.motives, m, e.target.checked) as Convention['motives'] })} />
                {t(`motives.${m}`)}
              </label>
            ))}
            <FieldProblems name="motives" problems={save.state.problems} />
          </fieldset>
          <div className="form-row">
            <Field name="minDurationMin" label={t('admin.conventions.minDuration')} problems={save.state.problems}>
              <DurationSelect value={edit.minDurationMin} onChange={(minDurationMin) => setEdit({ ...edit, minDurationMin })} />
            </Field>
            <Field name="maxDurationMin" label={t('admin.conventions.maxDuration')} problems={save.state.problems}>
              <DurationSelect value={edit.maxDurationMin} onChange={(maxDurationMin) => setEdit({ ...edit, maxDurationMin })} />
            </Field>
          </div>
          <fieldset className="field">
            <legend>{t('admin.conventions.services')}</legend>
            {cat.services.map((s) => (
              <label key={s.id} className="choice">
                <input type="checkbox" checked={edit.serviceIds.includes(s.id)} onChange={(e) => setEdit({ ...edit, serviceIds: toggle(edit.serviceIds, s.id, e.target.checked) })} />
                {s.name}
                {s.active ? '' : ` (${t('admin.inactive')})`}
              </label>
            ))}
            <FieldProblems name="serviceIds" problems={save.state.problems} />
          </fieldset>
          <label className="choice">
            <input type="checkbox" checked={edit.recordingAllowed} onChange={(e) => setEdit({ ...edit, recordingAllowed: e.target.checked, retentionDays: e.target.checked ? edit.retentionDays || '30' : '' })} />
            {t('admin.conventions.recordingAllowed')}
          </label>
          {edit.recordingAllowed && (
            <Field name="retentionDays" label={t('admin.conventions.retention')} hint={t('admin.conventions.retentionHint')} problems={save.state.problems}>
              <input type="number" min={1} max={30} value={edit.retentionDays} onChange={(e) => setEdit({ ...edit, retentionDays: e.target.value })} required />
            </Field>
          )}
          <FormErrors state={save.state} fields={FIELDS} />
          <FormButtons onCancel={close} busy={save.state.busy} />
        </EditPanel>
      )}
    </div>
  );
}

/** A convention's shortest or longest request, by quarter hours within DURATIONS. */
function DurationSelect({ value, onChange }: { value: number; onChange: (minutes: number) => void }) {
  return (
    <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
      {DURATIONS.map((d) => (
        <option key={d} value={d}>
          {formatDuration(d)}
        </option>
      ))}
    </select>
  );
}
