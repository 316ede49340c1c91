import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ZONES, type AdminCatalogueView, type CameraTestView } from '../../../preload/contract';
import { errorText } from '../../i18n';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CameraTestResult } from './CameraTestResult';
import { AdminTable, LockableButton, RowActions, rowClass } from './AdminTable';
import { useCatalogueLocked } from './catalogueLock';
import { ActiveMark, EditPanel, Field, FormButtons, FormErrors } from './Form';
import { SiteSelect } from './SiteSelect';
import { streamUrlProblem } from './checks';
import { newId } from './problems';
import { useAdminEdit } from './useAdminEdit';
import type { SectionProps } from './AdminView';

type Camera = AdminCatalogueView['cameras'][number];
/** keep: the stored password stays; replace: the typed one replaces it; remove: none any more. */
type PasswordMode = 'keep' | 'replace' | 'remove';
interface CameraForm {
  id: string;
  siteId: string;
  label: string;
  zone: Camera['zone'];
  url: string;
  subStreamUrl: string;
  username: string;
  hasPassword: boolean;
  mode: PasswordMode;
  password: string;
  active: boolean;
}
const FIELDS = ['siteId', 'label', 'zone', 'url', 'subStreamUrl', 'username', 'password'] as const;

/**
 * Cameras and their credentials. The password goes to main once and never comes back: the form
 * only knows whether one is stored (« •••• (enregistré) »).
 */
export function CamerasAdmin({ cat, reload }: SectionProps) {
  const { t } = useTranslation();
  const { edit, setEdit, save, open: openForm, store: storeWith, close } = useAdminEdit<CameraForm>(reload);
  const [tested, setTested] = useState<{ id: string; result?: CameraTestView; error?: string; busy: boolean } | undefined>();
  const siteName = (id: string) => cat.sites.find((s) => s.id === id)?.name ?? id;
  // A follower edits only the password: the rest of the form is shown, disabled, and sent back unchanged (main allows that save).
  const locked = useCatalogueLocked();

  const open = (c: Camera) => openForm({ ...c, subStreamUrl: c.subStreamUrl ?? '', username: c.username ?? '', mode: c.hasPassword ? 'keep' : 'replace', password: '' });
  async function store(f: CameraForm) {
    const password = f.mode === 'remove' ? null : f.mode === 'replace' && f.password ? f.password : undefined;
    const args = { id: f.id || newId(`${siteName(f.siteId)} ${f.label}`, cat.cameras.map((c) => c.id)), siteId: f.siteId, label: f.label.trim(), zone: f.zone, url: f.url.trim(), subStreamUrl: f.subStreamUrl.trim() || null, username: f.username.trim() || null, active: f.active, ...(password !== undefined ? { password } : {}) };
    const problems = [streamUrlProblem('url', args.url), args.subStreamUrl ? streamUrlProblem('subStreamUrl', args.subStreamUrl) : undefined].filter((p) => p !== undefined);
    if (problems.length > 0) return save.fail(problems);
    await storeWith(() => window.csu.admin.saveCamera(args));
  }
  async function test(id: string) {
    setTested({ id, busy: true });
    try {
      setTested({ id, busy: false, result: await window.csu.admin.testCamera({ cameraId: id }) });
    } catch (err) {
      setTested({ id, busy: false, error: errorText(t, err) });
    }
  }
  const deactivate = (c: Camera) => {
    save.reset();
    void store({ ...c, subStreamUrl: c.subStreamUrl ?? '', username: c.username ?? '', mode: 'keep', password: '', active: !c.active });
  };
  const submit = (e: FormEvent) => (e.preventDefault(), edit && void store(edit));

  return (
    <div className="admin-part" data-testid="admin-cameras">
      <h3>{t('admin.cameras.title')}</h3>
      <AdminTable headers={[t('admin.cameras.label'), t('admin.cameras.site'), t('admin.cameras.zone'), t('admin.cameras.url'), t('admin.cameras.credentials'), t('admin.state'), t('admin.actions')]} refused={!edit && save.state}>
        {cat.cameras.map((c) => (
          <tr key={c.id} className={rowClass(c.active)} data-testid="camera-row" data-camera-id={c.id}>
            <td>{c.label}</td>
            <td>{siteName(c.siteId)}</td>
            <td>{t(`zones.${c.zone}`)}</td>
            <td className="mono">{c.url}</td>
            <td>
              {c.username ?? '—'}
              {c.hasPassword ? ` · ${t('admin.cameras.stored')}` : ''}
              {c.username && !c.hasPassword && (
                <span className="warn" data-testid="camera-no-password">
                  {` · ${t('admin.central.noPassword')}`}
                </span>
              )}
            </td>
            <td>
              <ActiveMark active={c.active} feminine />
            </td>
            <RowActions onEdit={() => open(c)} active={c.active} onToggle={() => deactivate(c)} localEdit={t('admin.cameras.passwordButton')}>
              <button type="button" onClick={() => test(c.id)} disabled={tested?.busy}>
                {t('admin.cameras.test.button')}
              </button>
            </RowActions>
          </tr>
        ))}
      </AdminTable>
      {tested && (
        <div className="admin-form">
          <h4>{t('admin.cameras.test.title', { camera: cat.cameras.find((c) => c.id === tested.id)?.label ?? tested.id })}</h4>
          {tested.busy && <p role="status">{t('admin.cameras.test.running')}</p>}
          <ErrorAlert message={tested.error} />
          {tested.result && <CameraTestResult r={tested.result} />}
        </div>
      )}
      {!edit && (
        <LockableButton onClick={() => openForm({ id: '', siteId: cat.sites.find((s) => s.active)?.id ?? '', label: '', zone: 'hall', url: 'rtsp://', subStreamUrl: '', username: '', hasPassword: false, mode: 'replace', password: '', active: true })}>{t('admin.cameras.create')}</LockableButton>
      )}
      {edit && (
        <EditPanel title={locked ? t('admin.cameras.passwordTitle', { camera: edit.label }) : t(edit.id ? 'admin.cameras.editTitle' : 'admin.cameras.create')} onSubmit={submit}>
          <fieldset className="plain" disabled={locked}>
            <Field name="siteId" label={t('admin.cameras.site')} problems={save.state.problems}>
              <SiteSelect sites={cat.sites} value={edit.siteId} onChange={(siteId) => setEdit({ ...edit, siteId })} />
            </Field>
            <Field name="label" label={t('admin.cameras.label')} problems={save.state.problems}>
              <input value={edit.label} onChange={(e) => setEdit({ ...edit, label: e.target.value })} required maxLength={200} />
            </Field>
            <Field name="zone" label={t('admin.cameras.zone')} problems={save.state.problems}>
              <select value={edit.zone} onChange={(e) => setEdit({ ...edit, zone: e.target.value as Camera['zone'] })}>
                {ZONES.map((z) => (
                  <option key={z} value={z}>
                    {t(`zones.${z}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field name="url" label={t('admin.cameras.mainUrl')} hint={t('admin.cameras.urlHint')} problems={save.state.problems}>
              <input className="mono" value={edit.url} onChange={(e) => setEdit({ ...edit, url: e.target.value })} required maxLength={2000} />
            </Field>
            <Field name="subStreamUrl" label={t('admin.cameras.subUrl')} problems={save.state.problems}>
              <input className="mono" value={edit.subStreamUrl} onChange={(e) => setEdit({ ...edit, subStreamUrl: e.target.value })} maxLength={2000} />
            </Field>
            <Field name="username" label={t('admin.cameras.username')} problems={save.state.problems}>
              <input value={edit.username} autoComplete="off" onChange={(e) => setEdit({ ...edit, username: e.target.value })} maxLength={100} />
            </Field>
          </fieldset>
          {edit.hasPassword && edit.mode !== 'replace' ? (
            <div className="field">
              <span>{t('admin.cameras.password')}</span>
              <div className="row-actions">
                <span data-testid="camera-password-state">{edit.mode === 'keep' ? t('admin.cameras.stored') : t('admin.cameras.willRemove')}</span>
                <button type="button" onClick={() => setEdit({ ...edit, mode: 'replace', password: '' })}>
                  {t('admin.cameras.replace')}
                </button>
                {edit.mode === 'keep' ? (
                  <button type="button" onClick={() => setEdit({ ...edit, mode: 'remove' })}>
                    {t('admin.cameras.remove')}
                  </button>
                ) : (
                  <button type="button" onClick={() => setEdit({ ...edit, mode: 'keep' })}>
                    {t('admin.cameras.keep')}
                  </button>
                )}
              </div>
            </div>
          ) : (
            <Field name="password" label={t(edit.hasPassword ? 'admin.cameras.newPassword' : 'admin.cameras.password')} hint={t('admin.cameras.passwordHint')} problems={save.state.problems}>
              <input type="password" autoComplete="new-password" value={edit.password} onChange={(e) => setEdit({ ...edit, password: e.target.value })} maxLength={200} />
              {edit.hasPassword && (
                <button type="button" onClick={() => setEdit({ ...edit, mode: 'keep', password: '' })}>
                  {t('admin.cameras.keepStored')}
                </button>
              )}
            </Field>
          )}
          <label className="choice">
            <input type="checkbox" checked={edit.active} disabled={locked} onChange={(e) => setEdit({ ...edit, active: e.target.checked })} />
            {t('admin.cameras.activeLabel')}
          </label>
          <FormErrors state={save.state} fields={FIELDS} />
          <FormButtons onCancel={close} busy={save.state.busy} />
        </EditPanel>
      )}
    </div>
  );
}
