import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCsuEvent } from '../hooks';

const REASONS = { RECORDING_STOPPED_DISK_LOW: 'disk_low', RECORDING_STOPPED_QUOTA: 'quota', RECORDING_STOPPED_WRITE_FAILED: 'write_failed' } as const;

/**
 * Recording stopped before its transmission (disk below 10 % free, quota reached, a write that
 * failed): said at once, in French, until dismissed. The live view goes on; the journal has it
 * as `recording.stopped`.
 */
export function RecordingBanner() {
  const { t } = useTranslation();
  const [reason, setReason] = useState<(typeof REASONS)[keyof typeof REASONS] | undefined>();
  useCsuEvent('app.notice', (n) => {
    const r = REASONS[n.code as keyof typeof REASONS];
    if (r) setReason(r);
  });
  if (!reason) return null;
  return (
    <div className="banners">
      <p className="banner warning" role="alert" data-testid="recording-banner">
        {t(`recording.stopped.${reason}`)}
        <button type="button" aria-label={t('review.close')} onClick={() => setReason(undefined)}>
          ×
        </button>
      </p>
    </div>
  );
}
