import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraTestView } from '../../../preload/contract';

/** What admin.testCamera found: facts only, never a picture (no image outside a grant, CSI L272-2). */
export function CameraTestResult({ r }: { r: CameraTestView }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  // The result lands under the list: bring it into view, or the click seems to do nothing.
  // Braces: this Chromium's scrollIntoView returns a promise, which React would take for a clean-up.
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [r]);
  const yesNo = (v: boolean | null) => (v === null ? t('admin.cameras.test.unknown') : t(v ? 'admin.yes' : 'admin.no'));
  const orUnknown = (v: string | number | null) => (v === null ? t('admin.cameras.test.unknown') : String(v));
  return (
    <div ref={ref} className="panel camera-test" role="status" data-testid="camera-test">
      <p>{r.error ? <span className="state-off">{t(`admin.cameras.test.errors.${r.error}`)}</span> : <span className="state-ok">{t('admin.cameras.test.ok')}</span>}</p>
      <dl className="facts">
        <dt>{t('admin.cameras.test.reachable')}</dt>
        <dd>{yesNo(r.reachable)}</dd>
        <dt>{t('admin.cameras.test.authOk')}</dt>
        <dd>{yesNo(r.authOk)}</dd>
        <dt>{t('admin.cameras.test.codec')}</dt>
        <dd>{orUnknown(r.codec)}</dd>
        <dt>{t('admin.cameras.test.profile')}</dt>
        <dd>{orUnknown(r.profile)}</dd>
        <dt>{t('admin.cameras.test.resolution')}</dt>
        <dd>{r.width && r.height ? `${r.width} × ${r.height}` : t('admin.cameras.test.unknown')}</dd>
        <dt>{t('admin.cameras.test.fps')}</dt>
        <dd>{r.fps === null ? t('admin.cameras.test.unknown') : r.fps.toLocaleString('fr-FR', { maximumFractionDigits: 2 })}</dd>
      </dl>
      <p className="hint">{t('admin.cameras.test.noPicture')}</p>
    </div>
  );
}
