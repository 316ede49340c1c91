import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ZONES, type AdminCatalogueView, type CameraTestView } from '../../../preload/contract';
import { errorText } from '../../i18n';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CameraTestResult } from './CameraTestResult';
import { ActiveMark, EditPanel, Field, FormErrors, useSave } from './Form';
import { streamUrlProblem } from './checks';
import { newId } from './problems';
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
  const [edit, setEdit] = useState<CameraForm | null>(null);
  const [tested, setTested] = useState<{ id: string; result?: CameraTestView; error?: string; busy: boolean } | undefined>();
  const save = useSave();
  const siteName = (id: string) => cat.sites.find((s) => s.id === id)?.name ?? id;

  function open(c: Camera) {
    save.reset();
    setEdit({ ...c, subStreamUrl: c.subStreamUrl ?? '', username: c.username ?? '', mode: c.hasPassword ? 'keep' : 'replace', password: '' });
  }
  async function store(f: CameraForm) {
    const password = f.mode === 'remove' ? null : f.mode === 'replace' && f.password ? f.password : undefined;
    const args = { id: f.id || newId(`${siteName(f.siteId)} ${f.label}`, cat.cameras.map((c) => c.id)), siteId: f.siteId, label: f.label.trim(), zone: f.zone, url: f.url.trim(), subStreamUrl: f.subStreamUrl.trim() || null, username: f.username.trim() || null, active: f.active, ...(password !== undefined ? { password } : {}) };
    const problems = [streamUrlProblem('url', args.url), args.subStreamUrl ? streamUrlProblem('subStreamUrl', args.subStreamUrl) : undefined].filter((p) => p !== undefined);
    if (problems.length > 0) return save.fail(problems);
    if ((await save.run(() => window.csu.admin.saveCamera(args))) !== undefined) {
      setEdit(null);
      reload();
    }
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
      {/* A refused « Désactiver » / « Réactiver » (no form open) says why here. */}
      {!edit && <FormErrors state={save.state} fields={[]} />}
      <table className="registry">
        <thead>
          <tr>
            <th>{t('admin.cameras.label')}</th>
            <th>{t('admin.cameras.site')}</th>
            <th>{t('admin.cameras.zone')}</th>
            <th>{t('admin.cameras.url')}</th>
            <th>{t('admin.cameras.credentials')}</th>
            <th>{t('admin.state')}</th>
            <th>{t('admin.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {cat.cameras.map((c) => (
            <tr key={c.id} className={c.active ? undefined : 'inactive'} data-testid="camera-row">
              <td>{c.label}</td>
              <td>{siteName(c.siteId)}</td>
              <td>{t(`zones.${c.zone}`)}</td>
              <td className="mono">{c.url}</td>
              <td>
                {c.username ?? '—'}
                {c.hasPassword ? ` · ${t('admin.cameras.stored')}` : ''}
              </td>
              <td>
                <ActiveMark active={c.active} feminine />
              </td>
              <td className="row-actions">
                <button type="button" onClick={() => open(c)}>
                  {t('admin.edit')}
                </button>
                <button type="button" onClick={() => test(c.id)} disabled={tested?.busy}>
                  {t('admin.cameras.test.button')}
                </button>
                <button type="button" onClick={() => deactivate(c)}>
                  {t(c.active ? 'admin.deactivate' : 'admin.reactivate')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tested && (
        <div className="admin-form">
          <h4>{t('admin.cameras.test.title', { camera: cat.cameras.find((c) => c.id === tested.id)?.label ?? tested.id })}</h4>
          {tested.busy && <p role="status">{t('admin.cameras.test.running')}</p>}
          <ErrorAlert message={tested.error} />
          {tested.result && <CameraTestResult r={tested.result} />}
        </div>
      )}
      {!edit && (
        <button type="button" onClick={() => (save.reset(), setEdit({ id: '', siteId: cat.sites.find((s) => s.active)?.id ?? '', label: '', zone: 'hall', url: 'rtsp://', subStreamUrl: '', username: '', hasPassword: false, mode: 'replace', password: '', active: true }))}>
          {t('admin.cameras.create')}
        </button>
      )}
      {edit && (
        <EditPanel title={t(edit.id ? 'admin.cameras.editTitle' : 'admin.cameras.create')} onSubmit={submit}>
          <Field name="siteId" label={t('admin.cameras.site')} problems={save.state.problems}>
            <select value={edit.siteId} onChange={(e) => setEdit({ ...edit, siteId: e.target.value })} required>
              <option value="">{t('admin.choose')}</option>
              {cat.sites.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
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
            <input type="checkbox" checked={edit.active} onChange={(e) => setEdit({ ...edit, active: e.target.checked })} />
            {t('admin.cameras.activeLabel')}
          </label>
          <FormErrors state={save.state} fields={FIELDS} />
          <div className="form-buttons">
            <button type="button" onClick={() => setEdit(null)}>
              {t('admin.cancel')}
            </button>
            <button type="submit" className="primary" disabled={save.state.busy}>
              {t('admin.save')}
            </button>
          </div>
        </EditPanel>
      )}
    </div>
  );
}
