import { useTranslation } from 'react-i18next';
import type { GrantView } from '../../preload/contract';

/**
 * « ● Enr. » in a recorded grant's tile: the operator sees on the wall itself which pictures are
 * kept (issue G3). Once main stopped the recording (disk, quota, failed write), « Enr. arrêté »
 * for the rest of the grant, its reason in the title: the live picture goes on, unrecorded.
 */
export function RecordingBadge({ stopped }: { stopped: GrantView['recordingStopped'] }) {
  const { t } = useTranslation();
  const title = stopped ? t('tile.recording.stoppedTitle', { reason: t(`tile.recording.reasons.${stopped}`) }) : t('tile.recording.onTitle');
  return (
    <span className={`tile-rec${stopped ? ' stopped' : ''}`} role="img" data-testid="tile-recording" data-stopped={stopped ?? undefined} title={title} aria-label={title}>
      {stopped ? t('tile.recording.stopped') : t('tile.recording.on')}
    </span>
  );
}
