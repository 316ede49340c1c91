/**
 * The convention's rules for a request (DOMAIN.md, « The rule »). Pure: given what the catalogue
 * says, it returns every reason at once, each a stable code the renderer maps to French.
 */
import type { Camera, Convention, Operator, Service, Site } from '../../db/catalogue';
import { parisDay } from '../../db/catalogue';
import { MOTIVES, type RefusalCode } from '../../preload/vocabulary';

export { REFUSAL_CODES, type RefusalCode } from '../../preload/vocabulary';

export interface RequestInput {
  siteId: string;
  cameraIds: string[];
  motive: string;
  justification: string;
  durationMin: number;
  serviceId: string;
  /** Record the transmission (issue G3): only where the convention allows it, with a reason. */
  record?: { reason: string } | undefined;
  /** The running grant this request renews: its cameras go on under the renewal, not twice. */
  renews?: string | undefined;
}

/** A grant running on this console, as far as duplicates go. */
export interface RunningGrant {
  id: string;
  serviceId: string;
  cameras: { id: string }[];
  endsAt: number;
  renews?: string | undefined;
}

export interface RuleContext {
  now: number;
  site: Site | undefined;
  /** Every convention of the site, whatever its dates. */
  conventions: Convention[];
  /** Every camera of the catalogue the request names (of any site). */
  cameras: Camera[];
  services: Service[];
  operator: Operator | undefined;
  /** Every grant running on this console (whoever holds it): a camera goes once to a service. */
  running: RunningGrant[];
}

/** Roles that may send a request; an administrator configures, does not watch. */
const REQUESTING_ROLES = new Set(['operateur', 'superviseur']);
// C0 and C1 controls except tab and newline, which a justification may hold.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export function checkRequest(r: RequestInput, ctx: RuleContext): { reasons: RefusalCode[]; convention?: Convention } {
  const reasons: RefusalCode[] = [];
  const day = parisDay(ctx.now);

  if (!ctx.site) reasons.push('SITE_UNKNOWN');
  else if (!ctx.site.active) reasons.push('SITE_INACTIVE');

  const convention = ctx.conventions.find((c) => c.validFrom <= day && day <= c.validTo);
  if (ctx.site && !convention) {
    if (ctx.conventions.length === 0) reasons.push('CONVENTION_MISSING');
    else if (ctx.conventions.some((c) => c.validFrom > day)) reasons.push('CONVENTION_NOT_YET_VALID');
    else reasons.push('CONVENTION_EXPIRED');
  }

  if (r.cameraIds.length === 0) reasons.push('NO_CAMERA');
  for (const id of new Set(r.cameraIds)) {
    const cam = ctx.cameras.find((c) => c.id === id);
    if (!cam || cam.siteId !== r.siteId) {
      if (!reasons.includes('CAMERA_NOT_OF_SITE')) reasons.push('CAMERA_NOT_OF_SITE');
    } else if (!cam.active && !reasons.includes('CAMERA_INACTIVE')) reasons.push('CAMERA_INACTIVE');
  }

  // A camera already transmitted from this console to the same service would be a second tile
  // and a second registry line for one transmission: renew it instead. Another service is
  // another transmission (DOMAIN.md: the registry names the receiving service).
  const carried = renewalChain(r.renews, ctx.running);
  const duplicate = ctx.running.some((g) => g.endsAt > ctx.now && !carried.has(g.id) && g.serviceId === r.serviceId && g.cameras.some((c) => r.cameraIds.includes(c.id)));
  if (duplicate) reasons.push('CAMERA_ALREADY_TRANSMITTED');

  const allowedMotives: readonly string[] = convention?.motives ?? MOTIVES;
  if (!allowedMotives.includes(r.motive)) reasons.push('MOTIVE_NOT_ALLOWED');

  // The convention caps a request at 2 h to 12 h; a site's convention may narrow it.
  const min = convention?.minDurationMin ?? 120;
  const max = convention?.maxDurationMin ?? 720;
  if (!Number.isInteger(r.durationMin)) reasons.push('DURATION_NOT_INTEGER');
  else {
    if (r.durationMin < min) reasons.push('DURATION_TOO_SHORT');
    if (r.durationMin > max) reasons.push('DURATION_TOO_LONG');
    if (r.durationMin % 15 !== 0) reasons.push('DURATION_NOT_MULTIPLE_OF_15');
  }

  const service = ctx.services.find((s) => s.id === r.serviceId);
  if (!service || !service.active || (convention && !convention.serviceIds.includes(service.id))) reasons.push('SERVICE_NOT_CONNECTED');

  const op = ctx.operator;
  if (!op) reasons.push('OPERATOR_UNKNOWN');
  else {
    if (!op.active) reasons.push('OPERATOR_INACTIVE');
    if (!op.designated) reasons.push('OPERATOR_NOT_DESIGNATED');
    if (!REQUESTING_ROLES.has(op.role)) reasons.push('OPERATOR_ROLE');
  }

  const text = r.justification.trim();
  if (text.length < 10) reasons.push('JUSTIFICATION_TOO_SHORT');
  if (text.length > 1000) reasons.push('JUSTIFICATION_TOO_LONG');
  if (CONTROL.test(text)) reasons.push('JUSTIFICATION_CONTROL_CHARS');

  // Recording is off unless the site's convention allows it (CSI L252-5), whatever the wizard offered.
  if (r.record) {
    if (!convention?.recordingAllowed) reasons.push('RECORDING_NOT_ALLOWED');
    const why = r.record.reason.trim();
    if (why.length < 10 || why.length > 1000 || CONTROL.test(why)) reasons.push('RECORDING_REASON_INVALID');
  }

  return { reasons, convention };
}

/** The renewed grant and those it renewed in turn, still running: the renewal carries their cameras on. */
function renewalChain(renews: string | undefined, running: RunningGrant[]): Set<string> {
  const out = new Set<string>();
  for (let id = renews; id !== undefined && !out.has(id); id = running.find((g) => g.id === id)?.renews) out.add(id);
  return out;
}
