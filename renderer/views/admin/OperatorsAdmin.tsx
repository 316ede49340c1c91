import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type AdminCatalogueView } from '../../../preload/contract';
import { formatDay } from '../../format';
import { errorText } from '../../i18n';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AdminTable, LockableButton, RowActions, rowClass } from './AdminTable';
import { ActiveMark, EditPanel, Field, FormButtons, FormErrors } from './Form';
import { TemporaryPasswords } from './TemporaryPasswords';
import { useAdminEdit } from './useAdminEdit';
import type { SectionProps } from './AdminView';

type Operator = AdminCatalogueView['operators'][number];
type OperatorForm = Omit<Operator, 'designatedSince' | 'designationRef' | 'mustChangePassword'> & { create: boolean; designatedSince: string; designationRef: string };
const FIELDS = ['matricule', 'name', 'role', 'designated', 'designatedSince', 'designationRef'] as const;

/**
 * « Opérateurs »: accounts, roles and designation (personnel désigné, by a decision of the
 * mayor). A new account or a reset gets a temporary password that main shows once.
 */
export function OperatorsAdmin({ cat, reload, self }: SectionProps & { self: string }) {
  const { t } = useTranslation();
  const { edit, setEdit, save, open: openForm, store: storeWith, close } = useAdminEdit<OperatorForm>(reload);
  const [temporary, setTemporary] = useState<{ matricule: string; password: string }[]>([]);
  const [error, setError] = useState<string | undefined>();

  function open(o: Operator, patch: Partial<OperatorForm> = {}) {
    openForm({ ...o, create: false, designatedSince: o.designatedSince ?? '', designationRef: o.designationRef ?? '', ...patch });
  }
  async function store(f: OperatorForm) {
    const args = { create: f.create, matricule: f.matricule.trim(), name: f.name.trim(), role: f.role, designated: f.designated, designatedSince: f.designated && f.designatedSince ? f.designatedSince : null, designationRef: f.designated && f.designationRef.trim() ? f.designationRef.trim() : null, active: f.active };
    const r = await storeWith(() => window.csu.admin.saveOperator(args));
    if (r?.temporaryPassword) setTemporary([{ matricule: args.matricule, password: r.temporaryPassword }]);
  }
  async function reset(matricule: string) {
    setError(undefined);
    try {
      const r = await window.csu.admin.resetPassword({ matricule });
      setTemporary([{ matricule, password: r.temporaryPassword }]);
      reload();
    } catch (err) {
      setError(errorText(t, err));
    }
  }
  const quick = (o: Operator, patch: Partial<OperatorForm>) => void store({ ...o, create: false, designatedSince: o.designatedSince ?? '', designationRef: o.designationRef ?? '', ...patch });
  const submit = (e: FormEvent) => (e.preventDefault(), edit && void store(edit));

  return (
    <div className="admin-part" data-testid="admin-operators">
      <h3>{t('admin.operators.title')}</h3>
      <TemporaryPasswords list={temporary} onClose={() => setTemporary([])} />
      <ErrorAlert message={error} />
      <AdminTable headers={[t('login.matricule'), t('admin.operators.name'), t('admin.operators.role'), t('admin.operators.designation'), t('admin.state'), t('admin.actions')]} refused={!edit && save.state}>
        {cat.operators.map((o) => (
          <tr key={o.matricule} className={rowClass(o.active)} data-testid="operator-row" data-matricule={o.matricule}>
            <td>{o.matricule}</td>
            <td>{o.name}</td>
            <td>{t(`roles.${o.role}`)}</td>
            <td>
              {o.designated ? (o.designatedSince ? t('admin.operators.designatedSince', { date: formatDay(o.designatedSince) }) : t('admin.operators.designated')) : t('admin.operators.notDesignated')}
              {o.designated && o.designationRef && <div className="hint">{o.designationRef}</div>}
            </td>
            <td>
              <ActiveMark active={o.active} />
              {o.mustChangePassword && <div className="hint">{t('admin.operators.temporaryPending')}</div>}
            </td>
            {/* No « Désactiver » on one's own account: an administrateur must not lock himself out of the console. */}
            <RowActions onEdit={() => open(o)} active={o.active} onToggle={o.matricule !== self ? () => quick(o, { active: !o.active }) : undefined}>
              {o.designated ? (
                <LockableButton onClick={() => quick(o, { designated: false, designatedSince: '', designationRef: '' })}>{t('admin.operators.withdraw')}</LockableButton>
              ) : (
                <LockableButton onClick={() => open(o, { designated: true })}>{t('admin.operators.designate')}</LockableButton>
              )}
              {/* Passwords are this console's own, followed or not (main/admin/service.ts resetPassword). */}
              <button type="button" onClick={() => reset(o.matricule)}>
                {t('admin.operators.reset')}
              </button>
            </RowActions>
          </tr>
        ))}
      </AdminTable>
      {!edit && (
        <LockableButton onClick={() => openForm({ create: true, matricule: '', name: '', role: 'operateur', designated: false, designatedSince: '', designationRef: '', active: true })}>{t('admin.operators.create')}</LockableButton>
      )}
      {edit && (
        <EditPanel title={t(edit.create ? 'admin.operators.create' : 'admin.operators.editTitle')} onSubmit={submit}>
          <Field name="matricule" label={t('login.matricule')} problems={save.state.problems}>
            <input value={edit.matricule} onChange={(e) => setEdit({ ...edit, matricule: e.target.value })} required readOnly={!edit.create} pattern="[A-Za-z0-9_\-]{1,32}" title={t('setup.matriculeFormat')} />
          </Field>
          <Field name="name" label={t('admin.operators.name')} problems={save.state.problems}>
            <input value={edit.name} onChange={(e) => setEdit({ ...edit, name: e.target.value })} required maxLength={200} />
          </Field>
          <Field name="role" label={t('admin.operators.role')} problems={save.state.problems}>
            <select value={edit.role} onChange={(e) => setEdit({ ...edit, role: e.target.value as Operator['role'] })}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </select>
          </Field>
          <label className="choice">
            <input type="checkbox" checked={edit.designated} onChange={(e) => setEdit({ ...edit, designated: e.target.checked })} />
            {t('admin.operators.designatedLabel')}
          </label>
          {edit.designated && (
            <div className="form-row">
              <Field name="designatedSince" label={t('admin.operators.since')} problems={save.state.problems}>
                <input type="date" value={edit.designatedSince} onChange={(e) => setEdit({ ...edit, designatedSince: e.target.value })} required />
              </Field>
              <Field name="designationRef" label={t('admin.operators.decision')} hint={t('admin.operators.decisionHint')} problems={save.state.problems}>
                <input value={edit.designationRef} onChange={(e) => setEdit({ ...edit, designationRef: e.target.value })} required maxLength={200} />
              </Field>
            </div>
          )}
          {edit.create && <p className="hint">{t('admin.operators.createHint')}</p>}
          <FormErrors state={save.state} fields={FIELDS} />
          <FormButtons onCancel={close} busy={save.state.busy} submitLabel={t(edit.create ? 'admin.operators.createSubmit' : 'admin.save')} />
        </EditPanel>
      )}
    </div>
  );
}
