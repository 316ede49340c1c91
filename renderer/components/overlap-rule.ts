import type { GrantView } from '../../preload/contract';

/** A running grant of this console showing some of the cameras a request names. */
export interface Overlap {
  grant: GrantView;
  cameras: GrantView['cameras'];
  /** Same receiving service as the request: a duplicate main refuses (CAMERA_ALREADY_TRANSMITTED). */
  sameService: boolean;
}

/**
 * The renderer's copy of main's duplicate rule (main/grants/rules.ts, which decides): a camera goes
 * once to a service from a console; a renewal carries on the grant it renews and those that grant
 * renewed in turn. `serviceId` is '' while the service is not chosen yet.
 */
export function overlapsOf(cameraIds: string[], active: GrantView[], renews: string | undefined, serviceId: string, now: number): Overlap[] {
  const carried = new Set<string>();
  for (let id = renews; id !== undefined && !carried.has(id); id = active.find((g) => g.id === id)?.renews) carried.add(id);
  return active
    .filter((g) => !carried.has(g.id) && g.endsAt > now)
    .map((g) => ({ grant: g, cameras: g.cameras.filter((c) => cameraIds.includes(c.id)), sameService: serviceId !== '' && g.serviceId === serviceId }))
    .filter((o) => o.cameras.length > 0);
}

/** The cameras of a request that would be duplicates. */
export function duplicateCameraIds(overlaps: Overlap[]): Set<string> {
  return new Set(overlaps.filter((o) => o.sameService).flatMap((o) => o.cameras.map((c) => c.id)));
}
