/**
 * « Revue d'incident » (issue G3): for a period, one lane per camera with a bar per transmission,
 * and every journaled event as a marker on its camera's lane (or the console's). Built from the
 * registry (itself checked against the journal at start) and the journal; works with no network,
 * no camera and no central server.
 */
import type { Knex } from 'knex';
import { listCameras, listSites } from '../../db/catalogue';
import type { JournalEntry } from '../../db/journal-codec';
import { recordedInPeriod } from '../../db/recordings';
import { countEntriesInPeriod, entriesInPeriod, registryOverlapping } from '../../db/review';
import type { TimelineView } from '../../preload/review';

/** More markers than this and the timeline shows the first ones and says how many there were. */
export const MAX_MARKERS = 5000;

/** The cameras an entry concerns: named in it, or those of the grant it speaks of. */
function camerasOf(e: JournalEntry, grantCameras: Map<string, string[]>): { cameraIds: string[]; grantId: string | null } {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const grantId = typeof p.grantId === 'string' ? p.grantId : null;
  if (typeof p.cameraId === 'string') return { cameraIds: [p.cameraId], grantId };
  if (Array.isArray(p.cameraIds)) return { cameraIds: p.cameraIds.filter((c): c is string => typeof c === 'string'), grantId };
  if (Array.isArray(p.cameras)) return { cameraIds: (p.cameras as { id?: unknown }[]).map((c) => c.id).filter((c): c is string => typeof c === 'string'), grantId };
  return { cameraIds: grantId ? (grantCameras.get(grantId) ?? []) : [], grantId };
}

export async function buildTimeline(db: Knex, consoleId: string, q: { from: number; to: number; siteId?: string | undefined; cameraIds?: string[] | undefined }): Promise<TimelineView> {
  const [grants, entries, cameras, sites, recorded] = await Promise.all([registryOverlapping(db, consoleId, q.from, q.to), entriesInPeriod(db, consoleId, q.from, q.to, MAX_MARKERS + 1), listCameras(db), listSites(db), recordedInPeriod(db, consoleId, q.from, q.to)]);
  const siteName = new Map(sites.map((s) => [s.id, s.name]));
  const wanted = (cameraId: string, siteId: string | undefined) => (!q.cameraIds || q.cameraIds.includes(cameraId)) && (!q.siteId || q.siteId === siteId);
  const grantCameras = new Map(grants.map((g) => [g.grantId, g.cameras.map((c) => c.id)]));

  const lanes = new Map<string, TimelineView['lanes'][number]>();
  const lane = (cameraId: string, label: string, zone: TimelineView['lanes'][number]['zone'], site: string) => {
    let l = lanes.get(cameraId);
    if (!l) lanes.set(cameraId, (l = { cameraId, label, zone, siteName: site, bars: [] }));
    return l;
  };
  for (const g of grants) {
    for (const c of g.cameras) {
      if (!wanted(c.id, g.siteId)) continue;
      const ongoing = g.endedAt === null;
      lane(c.id, c.label, c.zone, g.siteName).bars.push({ grantId: g.grantId, start: g.startsAt, end: g.endedAt ?? g.scheduledEndAt, ongoing, endReason: g.endReason, operator: g.operatorMatricule, motive: g.motive, serviceName: g.serviceName, ...(recorded.has(`${g.grantId}/${c.id}`) ? { recorded: true } : {}) });
    }
  }
  const known = new Map(cameras.map((c) => [c.id, c]));
  const markers: TimelineView['markers'] = [];
  for (const e of entries.slice(0, MAX_MARKERS)) {
    const { cameraIds, grantId } = camerasOf(e, grantCameras);
    const mine = cameraIds.filter((id) => wanted(id, known.get(id)?.siteId));
    if (cameraIds.length > 0 && mine.length === 0) continue;
    if (mine.length === 0) {
      // Console-wide events are shown unless the review narrows to cameras.
      if (!q.cameraIds && !q.siteId) markers.push({ seq: e.seq, ts: e.ts, kind: e.kind, actor: e.actor, cameraId: null, grantId });
      continue;
    }
    for (const id of mine) {
      const cam = known.get(id);
      if (cam) lane(id, cam.label, cam.zone, siteName.get(cam.siteId) ?? cam.siteId);
      markers.push({ seq: e.seq, ts: e.ts, kind: e.kind, actor: e.actor, cameraId: id, grantId });
    }
  }
  return {
    from: q.from,
    to: q.to,
    lanes: [...lanes.values()].sort((a, b) => a.siteName.localeCompare(b.siteName, 'fr') || a.label.localeCompare(b.label, 'fr')),
    markers,
    truncated: entries.length > MAX_MARKERS,
    totalEvents: entries.length > MAX_MARKERS ? await countEntriesInPeriod(db, consoleId, q.from, q.to) : entries.length,
  };
}
