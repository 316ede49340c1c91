import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraTestView } from '../../../preload/contract';

type Facts = Omit<CameraTestView, 'sub'>;

/**
 * What admin.testCamera found: facts only, never a picture (no image outside a grant, CSI L272-2). A camera with a
 * sub stream shows both side by side: the grid plays the sub stream, so a wrong sub address is what the operator
 * would meet first (« Caméra injoignable » on a tile whose main stream tested fine).
 */
export function CameraTestResult({ r }: { r: CameraTestView }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  // The result lands under the list: bring it into view, or the click seems to do nothing.
  // Braces: this Chromium's scrollIntoView returns a promise, which React would take for a clean-up.
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [r]);
  const streams: [string, Facts][] = r.sub ? [[t('admin.cameras.test.main'), r], [t('admin.cameras.test.sub'), r.sub]] : [['', r]];
  const unknown = t('admin.cameras.test.unknown');
  const yesNo = (v: boolean | null) => (v === null ? unknown : t(v ? 'admin.yes' : 'admin.no'));
  const orUnknown = (v: string | number | null) => (v === null ? unknown : String(v));
  const rows: [string, (f: Facts) => string][] = [
    ['reachable', (f) => yesNo(f.reachable)],
    ['authOk', (f) => yesNo(f.authOk)],
    ['codec', (f) => orUnknown(f.codec)],
    ['profile', (f) => orUnknown(f.profile)],
    ['resolution', (f) => (f.width && f.height ? `${f.width} × ${f.height}` : unknown)],
    ['fps', (f) => (f.fps === null ? unknown : f.fps.toLocaleString('fr-FR', { maximumFractionDigits: 2 }))],
  ];
  const failures = streams.filter(([, f]) => f.error);
  return (
    <div ref={ref} className="panel camera-test" role="status" data-testid="camera-test">
      {failures.length === 0 ? (
        <p>
          <span className="state-ok">{t(r.sub ? 'admin.cameras.test.okBoth' : 'admin.cameras.test.ok')}</span>
        </p>
      ) : (
        failures.map(([name, f]) => (
          <p key={name} className="state-off">
            {name ? `${name} : ` : ''}
            {t(`admin.cameras.test.errors.${f.error}`)}
          </p>
        ))
      )}
      <table className="facts-table">
        {r.sub && (
          <thead>
            <tr>
              <td />
              {streams.map(([name]) => (
                <th key={name} scope="col">
                  {name}
                </th>
              ))}
            </tr>
          </thead>
        )}
        <tbody>
          {rows.map(([key, show]) => (
            <tr key={key}>
              <th scope="row">{t(`admin.cameras.test.${key}`)}</th>
              {streams.map(([name, f]) => (
                <td key={name}>{show(f)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">{t('admin.cameras.test.noPicture')}</p>
    </div>
  );
}
