import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contract, mayCall, type AppInfo, type GrantView, type MirrorStatusView, type OperatorView } from '../preload/contract';
import { formatTime } from './format';
import { useConsoleNow, useCsuEvent } from './hooks';
import { errorText } from './i18n';
import { AboutView } from './views/AboutView';
import { ActiveView } from './views/ActiveView';
import { LoginView } from './views/LoginView';
import { ReviewView } from './views/ReviewView';
import { RegistryView } from './views/RegistryView';
import { ReportsView } from './views/ReportsView';
import { RequestWizard } from './views/RequestWizard';
import { WallView, type OpenGrant } from './views/WallView';
import { AdminView } from './views/admin/AdminView';
import { ChangePasswordView } from './views/setup/ChangePasswordView';
import { FirstAdminView } from './views/setup/FirstAdminView';
import { ErrorAlert } from './components/ErrorAlert';
import { IntegrityBanner } from './components/IntegrityBanner';
import { ConventionBanner } from './components/ConventionBanner';
import { RecordingBanner } from './components/RecordingBanner';
import { Banners } from './components/Banners';
import { addBanner, type Banner } from './banners';

export type ViewId = 'wall' | 'request' | 'active' | 'admin' | 'registry' | 'reports' | 'review' | 'about';
const NAV: ViewId[] = ['wall', 'request', 'active', 'admin', 'registry', 'reports', 'review', 'about'];
/** Screens that only make sense to whoever may watch (an administrateur who is not designated provisions, never watches). */
const WATCHING: ViewId[] = ['wall', 'request', 'active'];

function navFor(op: OperatorView): ViewId[] {
  const watches = mayCall(contract.grants.list.access, op);
  const reviews = mayCall(contract.review.timeline.access, op);
  // Reports are for superviseurs and administrateurs; « Administration » only for administrateurs: main refuses the others anyway.
  const reports = mayCall(contract.reports.generate.access, op);
  return NAV.filter((v) => (watches || !WATCHING.includes(v)) && (reviews || v !== 'review') && (reports || v !== 'reports') && (v !== 'admin' || mayCall(contract.admin.catalogue.access, op)));
}


export function App() {
  const { t } = useTranslation();
  const [operator, setOperator] = useState<OperatorView | null | undefined>(undefined);
  const [view, setView] = useState<ViewId>('wall');
  const [active, setActive] = useState<GrantView[]>([]);
  const [open, setOpen] = useState<OpenGrant[]>([]);
  const [banners, setBanners] = useState<Banner[]>([]);
  /** « Renouveler »: the wizard opens pre-filled from this grant. */
  const [renewal, setRenewal] = useState<GrantView | undefined>();
  const renew = useCallback((g: GrantView) => {
    setRenewal(g);
    setView('request');
  }, []);
  const onBanners = useCallback((next: (b: Banner[]) => Banner[]) => setBanners(next), []);
  const [registryKey, setRegistryKey] = useState(0);
  const [error, setError] = useState<string | undefined>();
  const [info, setInfo] = useState<AppInfo | undefined>();
  // Raised by every administrative change, so the convention banner reads the alerts again at once.
  const [catalogueTick, setCatalogueTick] = useState(0);
  const catalogueChanged = useCallback(() => setCatalogueTick((n) => n + 1), []);
  const now = useConsoleNow();
  const [mirror, setMirror] = useState<MirrorStatusView | undefined>();
  useCsuEvent('mirror.status', setMirror);
  // Until a temporary password is changed, main refuses everything else: ask for nothing.
  const ready = !!operator && !operator.mustChangePassword;
  useEffect(() => {
    if (ready) window.csu.mirror.status().then(setMirror, () => undefined);
  }, [ready]);

  useEffect(() => {
    window.csu.app.info().then(setInfo, () => undefined);
    window.csu.session.current().then(setOperator, (e: unknown) => (setOperator(null), setError(errorText(t, e))));
  }, [t]);

  const watches = ready && mayCall(contract.grants.list.access, operator);
  const refreshActive = useCallback(() => {
    if (watches) window.csu.grants.list().then(setActive, () => undefined);
    setRegistryKey((k) => k + 1);
  }, [watches]);
  useEffect(() => {
    if (operator) refreshActive();
  }, [operator, refreshActive]);

  // The wall is main's: after a reload (F5), a renderer crash or in a new window, the same tiles
  // come back at once, each stream reopened with a new token (journaled as stream.opened).
  useEffect(() => {
    if (!operator || operator.mustChangePassword) return;
    let alive = true;
    void (async () => {
      const entries = await window.csu.wall.get().catch(() => []);
      const restored = await Promise.all(
        entries.map(async (e): Promise<OpenGrant | undefined> => {
          if (e.ended) return { grant: e.grant, streams: [], ended: e.ended };
          const r = await window.csu.grants.openStreams({ grantId: e.grant.id }).catch(() => undefined);
          return r && { grant: e.grant, streams: r.streams };
        }),
      );
      if (alive) setOpen((o) => [...restored.filter((x): x is OpenGrant => !!x && !o.some((y) => y.grant.id === x.grant.id)), ...o]);
    })();
    return () => {
      alive = false;
    };
  }, [operator]);

  // Main revoked this page's stream tokens (close 4008: for main this page had ended) while the
  // grants run: each grant's streams are asked for once more, whatever number of its tiles say so.
  const reopening = useRef(new Set<string>());
  async function reopen(grantId: string) {
    if (reopening.current.has(grantId)) return;
    reopening.current.add(grantId);
    try {
      const { streams } = await window.csu.grants.openStreams({ grantId });
      setOpen((o) => o.map((x) => (x.grant.id === grantId && !x.ended ? { ...x, streams } : x)));
    } catch (e) {
      // The grant ended meanwhile: its end event says so on the tiles. Main out of reach for a
      // moment (the page's API socket reconnects at this call): ask again shortly.
      if ((e as { code?: string } | undefined)?.code === 'UNAVAILABLE') setTimeout(() => void reopen(grantId), 2000);
    } finally {
      reopening.current.delete(grantId);
    }
  }

  async function dismiss(grantId: string) {
    setOpen((o) => o.filter((x) => x.grant.id !== grantId));
    await window.csu.wall.dismiss({ grantId }).catch(() => undefined);
  }

  // Banners name the site and cameras: the grant is found among the active ones or on the wall.
  const grantOf = (id: string) => active.find((x) => x.id === id) ?? open.find((x) => x.grant.id === id)?.grant;
  const bannerFor = (g: GrantView | undefined, grantId: string, endsAt: number) => ({ grantId, site: g?.siteName ?? '', cameras: g?.cameras.map((c) => c.label) ?? [], service: g?.serviceName ?? '', endsAt, shownAt: performance.now() });
  useCsuEvent('grant.warning', (w) => {
    if (open.some((x) => x.grant.renews === w.grantId)) return;
    setBanners((b) => addBanner(b, { ...bannerFor(grantOf(w.grantId), w.grantId, w.endsAt), kind: 'warning' }));
  });
  useCsuEvent('grant.ended', (e) => {
    // A renewed grant's end changes nothing on the wall: its renewal already took its tiles over.
    if (open.some((x) => x.grant.renews === e.grantId)) return refreshActive();
    const g = grantOf(e.grantId);
    setOpen((o) => o.map((x) => (x.grant.id === e.grantId ? { ...x, ended: e.reason } : x)));
    setBanners((b) => addBanner(b, { ...bannerFor(g, e.grantId, g?.endsAt ?? 0), kind: 'ended', reason: e.reason }));
    refreshActive();
  });
  useCsuEvent('grant.started', () => refreshActive());
  // « Transmissions en cours » says when a grant's recording stopped, as its tiles do.
  useCsuEvent('recording.stopped', () => refreshActive());

  async function onGranted(g: GrantView) {
    try {
      const { streams } = await window.csu.grants.openStreams({ grantId: g.id });
      // A renewal takes its predecessor's place on the wall: the same tiles go on, on the same sockets
      // (main carried this page's tokens over to the new grant; a tile whose URL did not change does not reconnect).
      setOpen((o) => {
        const old = g.renews !== undefined ? o.find((x) => x.grant.id === g.renews) : undefined;
        const entry: OpenGrant = { grant: g, streams, lineage: old ? (old.lineage ?? old.grant.id) : undefined };
        return old ? o.map((x) => (x === old ? entry : x)) : [...o.filter((x) => x.grant.id !== g.id), entry];
      });
      setRenewal(undefined);
      // The renewed grant's warnings are over: its tiles go on under the new one.
      if (g.renews !== undefined) setBanners((b) => b.filter((x) => x.grantId !== g.renews));
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

  function enter(op: OperatorView) {
    setError(undefined);
    setOperator(op);
    if (!op.mustChangePassword) setView(navFor(op)[0]!);
  }

  if (operator === undefined) return <div className="shell" />;
  // A production console with no operator yet: one screen, nothing else reachable (issue G2).
  const firstStart = !operator && info?.setup === 'first_admin';
  return (
    <div className="shell">
      <header className="header">
        <div className="brand">
          <h1>{t('app.name')}</h1>
          <span className="subtitle">{t('app.subtitle')}</span>
        </div>
        {ready && (
          <nav aria-label={t('nav.label')}>
            <ul className="nav">
              {navFor(operator).map((id) => (
                <li key={id}>
                  <button type="button" className={view === id ? 'nav-item active' : 'nav-item'} aria-current={view === id ? 'page' : undefined} onClick={() => (id === 'request' && setRenewal(undefined), setView(id))}>
                    {t(`nav.${id}`)}
                    {id === 'active' && active.length > 0 ? ` (${active.length})` : ''}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {ready && mirror && (
          <span className={`mirror mirror-${mirror.state}`} role="status" data-testid="mirror-status" title={t('mirror.title')}>
            {/* A refusal says which: the token, the enrolment (« non enrôlé ») or the signature (« signature invalide »). */}
            {mirror.state === 'refused' && mirror.reason
              ? t(`mirror.refusedReasons.${mirror.reason}`)
              : t(`mirror.${mirror.state}`, {
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
      {ready && <IntegrityBanner operator={operator} />}
      {ready && <ConventionBanner operator={operator} refreshKey={catalogueTick} />}
      {ready && <RecordingBanner />}
      <Banners banners={banners} now={now} onChange={onBanners} />
      <ErrorAlert message={error} />
      <main className={view === 'wall' && ready ? 'content content-wall' : 'content'}>
        {firstStart ? (
          <FirstAdminView onCreated={(op) => (info && setInfo({ ...info, setup: 'ready' }), enter(op))} onSetupDone={(message) => (info && setInfo({ ...info, setup: 'ready' }), setError(message))} />
        ) : !operator ? (
          <LoginView onLogin={enter} />
        ) : operator.mustChangePassword ? (
          <ChangePasswordView operator={operator} onChanged={enter} />
        ) : (
          <>
            <WallView open={open} matricule={operator.matricule} now={now} visible={view === 'wall'} onDismiss={dismiss} onRenew={renew} onReopen={(id) => void reopen(id)} />
            {view === 'request' && <RequestWizard key={renewal?.id ?? 'new'} operator={operator} onGranted={onGranted} renewal={renewal} active={active} onRenew={renew} />}
            {view === 'active' && <ActiveView grants={active} now={now} operator={operator} onStopped={refreshActive} onTakeOver={onGranted} onRenew={renew} />}
            {view === 'admin' && <AdminView operator={operator} onChanged={catalogueChanged} />}
            {view === 'registry' && <RegistryView refreshKey={registryKey} operator={operator} />}
            {view === 'reports' && <ReportsView />}
            {view === 'review' && <ReviewView operator={operator} now={now} />}
            {view === 'about' && <AboutView />}
          </>
        )}
      </main>
    </div>
  );
}
