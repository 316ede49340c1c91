import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contract, mayCall, type GrantView, type MirrorStatusView, type OperatorView } from '../preload/contract';
import { formatTime } from './format';
import { useConsoleNow, useCsuEvent } from './hooks';
import { errorText } from './i18n';
import { AboutView } from './views/AboutView';
import { ActiveView } from './views/ActiveView';
import { LoginView } from './views/LoginView';
import { NotYetView } from './views/NotYetView';
import { RegistryView } from './views/RegistryView';
import { RequestWizard } from './views/RequestWizard';
import { WallView, type OpenGrant } from './views/WallView';
import { ErrorAlert } from './components/ErrorAlert';
import { IntegrityBanner } from './components/IntegrityBanner';

export type ViewId = 'wall' | 'request' | 'active' | 'registry' | 'review' | 'about';
const NAV: ViewId[] = ['wall', 'request', 'active', 'registry', 'review', 'about'];
/** Screens that only make sense to whoever may watch (an administrateur who is not designated provisions, never watches). */
const WATCHING: ViewId[] = ['wall', 'request', 'active'];

function navFor(op: OperatorView): ViewId[] {
  return mayCall(contract.grants.list.access, op) ? NAV : NAV.filter((v) => !WATCHING.includes(v));
}

interface Banner {
  key: string;
  text: string;
  level: 'warning' | 'danger' | 'info';
}

export function App() {
  const { t } = useTranslation();
  const [operator, setOperator] = useState<OperatorView | null | undefined>(undefined);
  const [view, setView] = useState<ViewId>('wall');
  const [active, setActive] = useState<GrantView[]>([]);
  const [open, setOpen] = useState<OpenGrant[]>([]);
  const [banners, setBanners] = useState<Banner[]>([]);
  const [registryKey, setRegistryKey] = useState(0);
  const [error, setError] = useState<string | undefined>();
  const now = useConsoleNow();
  const [mirror, setMirror] = useState<MirrorStatusView | undefined>();
  useCsuEvent('mirror.status', setMirror);
  useEffect(() => {
    if (operator) window.csu.mirror.status().then(setMirror, () => undefined);
  }, [operator]);

  useEffect(() => {
    window.csu.session.current().then(setOperator, (e: unknown) => (setOperator(null), setError(errorText(t, e))));
  }, [t]);

  const watches = !!operator && mayCall(contract.grants.list.access, operator);
  const refreshActive = useCallback(() => {
    if (watches) window.csu.grants.list().then(setActive, () => undefined);
    setRegistryKey((k) => k + 1);
  }, [watches]);
  useEffect(() => {
    if (operator) refreshActive();
  }, [operator, refreshActive]);

  useCsuEvent('grant.warning', (w) => {
    const g = active.find((x) => x.id === w.grantId);
    setBanners((b) => [...b.filter((x) => x.key !== `${w.grantId}:${w.minutesLeft}`), { key: `${w.grantId}:${w.minutesLeft}`, level: w.minutesLeft <= 1 ? 'danger' : 'warning', text: t('banners.warning', { count: w.minutesLeft, site: g?.siteName ?? '' }) }]);
  });
  useCsuEvent('grant.ended', (e) => {
    setOpen((o) => o.map((x) => (x.grant.id === e.grantId ? { ...x, ended: e.reason } : x)));
    setBanners((b) => [...b.filter((x) => !x.key.startsWith(e.grantId)), { key: `${e.grantId}:end`, level: 'info', text: t(`banners.ended.${e.reason}`) }]);
    refreshActive();
  });
  useCsuEvent('grant.started', () => refreshActive());

  async function onGranted(g: GrantView) {
    try {
      const { streams } = await window.csu.grants.openStreams({ grantId: g.id });
      setOpen((o) => [...o.filter((x) => !x.ended), { grant: g, streams }]);
      refreshActive();
      setView('wall');
    } catch (e) {
      setError(errorText(t, e));
    }
  }

  async function logout() {
    await window.csu.session.logout().catch(() => undefined);
    setOpen([]);
    setOperator(null);
  }

  if (operator === undefined) return <div className="shell" />;
  return (
    <div className="shell">
      <header className="header">
        <div className="brand">
          <h1>{t('app.name')}</h1>
          <span className="subtitle">{t('app.subtitle')}</span>
        </div>
        {operator && (
          <nav aria-label={t('nav.label')}>
            <ul className="nav">
              {navFor(operator).map((id) => (
                <li key={id}>
                  <button type="button" className={view === id ? 'nav-item active' : 'nav-item'} aria-current={view === id ? 'page' : undefined} onClick={() => setView(id)}>
                    {t(`nav.${id}`)}
                    {id === 'active' && active.length > 0 ? ` (${active.length})` : ''}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {operator && mirror && (
          <span className={`mirror mirror-${mirror.state}`} role="status" data-testid="mirror-status" title={t('mirror.title')}>
            {t(`mirror.${mirror.state}`, {
              count: 'pending' in mirror ? mirror.pending : 0,
              since: 'since' in mirror ? formatTime(mirror.since) : '',
            })}
            {/* Where and why, and what the supervisor does: a conflict never resolves itself. */}
            {mirror.state === 'conflict' && mirror.seq !== undefined && mirror.kind && (
              <span className="mirror-detail" data-testid="mirror-conflict-detail">
                {' '}
                {t('mirror.conflictAt', { seq: mirror.seq, reason: t(`mirror.conflictReasons.${mirror.kind}`) })}
              </span>
            )}
          </span>
        )}
        {operator && (
          <div className="who">
            <span>
              {operator.name} ({operator.matricule}) — {t(`roles.${operator.role}`)}
            </span>
            <button type="button" onClick={logout}>
              {t('login.logout')}
            </button>
          </div>
        )}
      </header>
      {operator && <IntegrityBanner operator={operator} />}
      {banners.length > 0 && (
        <div className="banners">
          {banners.map((b) => (
            <p key={b.key} className={`banner ${b.level}`} role="alert" data-testid="banner">
              {b.text}
              <button type="button" aria-label={t('banners.close')} onClick={() => setBanners((x) => x.filter((y) => y.key !== b.key))}>
                ×
              </button>
            </p>
          ))}
        </div>
      )}
      <ErrorAlert message={error} />
      <main className="content">
        {!operator ? (
          <LoginView onLogin={(op) => (setError(undefined), setView(navFor(op)[0]!), setOperator(op))} />
        ) : (
          <>
            <WallView open={open} matricule={operator.matricule} now={now} visible={view === 'wall'} />
            {view === 'request' && <RequestWizard operator={operator} onGranted={onGranted} />}
            {view === 'active' && <ActiveView grants={active} now={now} operator={operator} onStopped={refreshActive} onTakeOver={onGranted} />}
            {view === 'registry' && <RegistryView refreshKey={registryKey} operator={operator} />}
            {view === 'review' && <NotYetView view="review" />}
            {view === 'about' && <AboutView />}
          </>
        )}
      </main>
    </div>
  );
}
