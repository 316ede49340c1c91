import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../i18n';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldOf, problemMessage, problemText, problemsOf, type Problem } from './problems';

/** Main's refusal of an edit, split by field: each CATALOGUE_INVALID problem goes next to its field. */
export interface SaveState {
  busy: boolean;
  error?: string | undefined;
  problems: Problem[];
}

/** Runs one save and keeps main's refusal for the form (codes in French, problems per field). */
export function useSave() {
  const { t } = useTranslation();
  const [state, setState] = useState<SaveState>({ busy: false, problems: [] });
  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    if (state.busy) return undefined;
    setState({ busy: true, problems: [] });
    try {
      const r = await fn();
      setState({ busy: false, problems: [] });
      return r;
    } catch (err) {
      setState({ busy: false, error: errorText(t, err), problems: problemsOf(err) });
      return undefined;
    }
  }
  /** The form's own checks found problems: shown as main's would be, nothing sent. */
  const fail = (problems: Problem[]) => setState({ busy: false, error: t('errors.CATALOGUE_INVALID'), problems });
  return { state, run, fail, reset: () => setState({ busy: false, problems: [] }) };
}

/** One labelled field and main's problems with it (matched on the last segment of their path). */
export function Field({ name, label, problems, children, hint }: { name: string; label: string; problems: Problem[]; children: ReactNode; hint?: string }) {
  return (
    <div className="field">
      <label>
        <span>{label}</span>
        {children}
      </label>
      {hint && <span className="hint">{hint}</span>}
      <FieldProblems name={name} problems={problems} />
    </div>
  );
}

/** Main's problems with one field, in French, where the field is. */
export function FieldProblems({ name, problems }: { name: string; problems: Problem[] }) {
  const { t } = useTranslation();
  return (
    <>
      {problems
        .filter((p) => fieldOf(p.path) === name)
        .map((p, i) => (
          <p key={i} className="error field-error" role="alert" data-testid={`field-error-${name}`}>
            {problemMessage(t, p)}
          </p>
        ))}
    </>
  );
}

/** The form's banner: main's message, and every problem whose field this form does not show, with its path. */
export function FormErrors({ state, fields }: { state: SaveState; fields: readonly string[] }) {
  const { t } = useTranslation();
  const others = state.problems.filter((p) => !fields.includes(fieldOf(p.path)));
  return (
    <>
      <ErrorAlert message={state.error} />
      {others.length > 0 && (
        <ul className="problems">
          {others.map((p, i) => (
            <li key={i}>{problemText(t, p)}</li>
          ))}
        </ul>
      )}
    </>
  );
}

/** « Annuler » and the submit button, which waits while main answers so one click saves once. */
export function FormButtons({ onCancel, busy, submitLabel }: { onCancel: () => void; busy: boolean; submitLabel?: string }) {
  const { t } = useTranslation();
  return (
    <div className="form-buttons">
      <button type="button" onClick={onCancel}>
        {t('admin.cancel')}
      </button>
      <button type="submit" className="primary" disabled={busy}>
        {submitLabel ?? t('admin.save')}
      </button>
    </div>
  );
}

/** « Actif » / « désactivé(e) » in a list. */
export function ActiveMark({ active, feminine = false }: { active: boolean; feminine?: boolean }) {
  const { t } = useTranslation();
  if (active) return <span className="state-ok">{t(feminine ? 'admin.activeF' : 'admin.active')}</span>;
  return <span className="state-off">{t(feminine ? 'admin.inactiveF' : 'admin.inactive')}</span>;
}

/**
 * The create / edit form under a list: it scrolls itself into view when it opens, since « Modifier »
 * on the first row of a long list would otherwise open it below the fold at 1366×768.
 */
export function EditPanel({ title, onSubmit, children }: { title: string; onSubmit: (e: FormEvent) => void; children: ReactNode }) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
    ref.current?.querySelector<HTMLElement>('input:enabled:not([readonly]), select:enabled, textarea:enabled')?.focus({ preventScroll: true });
  }, [title]);
  return (
    <form ref={ref} className="panel admin-form" onSubmit={onSubmit} aria-label={title}>
      <h4>{title}</h4>
      {children}
    </form>
  );
}
