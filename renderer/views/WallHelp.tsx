import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

const KEYS = ['digits', 'zero', 'arrows', 'enter', 'escape', 'pages', 'help'] as const;

/** « Aide » overlay (key `?`): the wall's keyboard shortcuts, so every tile can be reached without a mouse. */
export function WallHelp({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="wall-help-title" data-testid="wall-help">
      <div className="panel help">
        <h3 id="wall-help-title">{t('wall.helpTitle')}</h3>
        <dl className="facts">
          {KEYS.map((k) => (
            <div key={k} className="help-row">
              <dt>
                <kbd>{t(`wall.keys.${k}.key`)}</kbd>
              </dt>
              <dd>{t(`wall.keys.${k}.what`)}</dd>
            </div>
          ))}
        </dl>
        <button type="button" ref={close} onClick={onClose}>
          {t('wall.helpClose')}
        </button>
      </div>
    </div>
  );
}
