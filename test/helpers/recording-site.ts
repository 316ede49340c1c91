import path from 'node:path';
import { openDatabase } from '../../db';
import { listConventions, upsertCamera, upsertConvention } from '../../db/catalogue';
import { seedDemo } from '../../db/seeds/demo';

/** The demo camera the recording tests record: its hall, pointed at the RTSP simulator. */
export const RECORDED_CAMERA = 'tripode-hall-arcade';

/**
 * A console's data folder holding the demo site, where the Tripode's convention allows recording
 * (kept 7 days) and its « Hall — 1 rue de l'Arcade » camera is the RTSP simulator at `sourceUrl`.
 */
export async function seedRecordingSite(dataDir: string, sourceUrl: string): Promise<void> {
  const db = await openDatabase(path.join(dataDir, 'console.sqlite'));
  try {
    await seedDemo(db, Date.now());
    const tripode = (await listConventions(db, 'tripode'))[0]!;
    await upsertConvention(db, { ...tripode, recordingAllowed: true, retentionDays: 7 });
    await upsertCamera(db, { id: RECORDED_CAMERA, siteId: 'tripode', label: "Hall — 1 rue de l'Arcade", zone: 'hall', sourceUrl });
  } finally {
    await db.destroy();
  }
}
