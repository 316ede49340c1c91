import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RegistryEventView } from '../../preload/contract';
import { formatDateTime, formatTime } from '../format';
import { errorText } from '../i18n';
import { ErrorAlert } from '../components/ErrorAlert';

type T = ReturnType<typeof useTranslation>['t'];

/** One line of detail per kind of event, in French; the journal's codes never reach the screen raw. */
function detail(t: T, e: RegistryEventView, siteName: (id: string) => string): string {
  const p = e.payload;
  const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
  switch (e.kind) {
    case 'request.refused':
      return [siteName(str('siteId')), ...(Array.isArray(p.reasons) ? (p.reasons as string[]).map((r) => t(`refusals.${r}`, { defaultValue: r })) : [])].filter(Boolean).join(' — ');
    case 'session.login_failed': {
      const why = t(`registryEvents.loginReasons.${str('reason')}`, { defaultValue: str('reason') });
      return typeof p.lockedUntil === 'number' ? `${str('matricule')} : ${why}, ${t('registryEvents.lockedUntil', { time: formatTime(p.lockedUntil) })}` : `${str('matricule')} : ${why}`;
    }
    case 'session.opened':
      // Who logged in is already the « Qui » column; the detail says nothing more unless someone else is named.
      return str('matricule') === e.actor ? '' : str('matricule');
    case 'session.closed':
      return `${str('matricule')} : ${t(`registryEvents.closeReasons.${str('reason')}`, { defaultValue: str('reason') })}`;
    case 'grant.taken_over':
      return t('registryEvents.takenOver', { from: str('from'), to: str('to') });
    case 'transmission.ended':
      return t(`registry.ends.${str('reason')}`, { defaultValue: str('reason') });
    case 'attempts.summarised': {
      // « 37 tentatives refusées » : the minute's attempts beyond the first few, counted together.
      const what = t(p.of === 'session.login_failed' ? 'registryEvents.summaryLogins' : 'registryEvents.summaryRefusals', { count: typeof p.count === 'number' ? p.count : 0 });
      return `${str('key')} : ${what} (${formatTime(Number(p.from))} – ${formatTime(Number(p.to))})`;
    }
    case 'catalogue.changed':
      return t('registryEvents.catalogue', { entity: t(`registryEvents.entities.${str('entity')}`, { defaultValue: str('entity') }), id: str('id'), change: t(`registryEvents.changes.${str('change')}`, { defaultValue: str('change') }) });
  }
}

/** Superviseurs: the registry's events beside the transmissions (refusals, logins, lockouts, hand-overs, catalogue changes). */
export function RegistryEvents({ from, to, refreshKey, siteName }: { from: number | undefined; to: number | undefined; refreshKey: number; siteName: (id: string) => string }) {
  const { t } = useTranslation();
  const [events, setEvents] = useState<RegistryEventView[]>([]);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    window.csu.registry.events({ from, to }).then((r) => (setEvents(r), setError(undefined)), (e: unknown) => setError(errorText(t, e)));
  }, [from, to, refreshKey, t]);

  return (
    <section aria-labelledby="registry-events-title" className="registry-events">
      <h3 id="registry-events-title">{t('registryEvents.title')}</h3>
      <ErrorAlert message={error} />
      <table className="registry">
        <thead>
          <tr>
            {['when', 'what', 'who', 'detail'].map((c) => (
              <th key={c} scope="col">
                {t(`registryEvents.cols.${c}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {events.length === 0 && (
            <tr>
              <td colSpan={4}>{t('registryEvents.empty')}</td>
            </tr>
          )}
          {events.map((e) => (
            <tr key={e.seq} data-testid="registry-event" data-kind={e.kind}>
              <td className="nowrap">{formatDateTime(e.ts)}</td>
              <td>{t(`registryEvents.kinds.${e.kind.replace('.', '_')}`)}</td>
              <td>{e.actor === 'system' ? t('registryEvents.system') : e.actorName ? `${e.actorName} (${e.actor})` : e.actor}</td>
              <td>{detail(t, e, siteName)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
