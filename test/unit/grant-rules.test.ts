import type { Camera, Convention, Operator, Service, Site } from '../../db/catalogue';
import { MOTIVES as DB_MOTIVES, ZONES as DB_ZONES } from '../../db/motives';
import { checkRequest, type RequestInput, type RuleContext, type RunningGrant } from '../../main/grants/rules';
import { MOTIVES, ZONES } from '../../preload/contract';

const NOW = Date.UTC(2026, 10, 26, 10);
const site: Site = { id: 'tripode', name: 'Résidence du Tripode', bailleurId: 'i3f', bailleurName: 'I3F', addresses: ['a'], town: 'Charenton-le-Pont', homes: 260, active: true };
const conv: Convention = { id: 'c', siteId: 'tripode', parties: ['a', 'b', 'c'], validFrom: '2026-01-01', validTo: '2026-12-31', motives: [...DB_MOTIVES], minDurationMin: 120, maxDurationMin: 720, serviceIds: ['pm'], signedOn: null, recordingAllowed: false, retentionDays: null };
const cams: Camera[] = [
  { id: 'h1', siteId: 'tripode', label: 'Hall', zone: 'hall', sourceUrl: 'sim:x', subStreamUrl: null, username: null, active: true },
  { id: 'off', siteId: 'tripode', label: 'Off', zone: 'hall', sourceUrl: 'sim:x', subStreamUrl: null, username: null, active: false },
  { id: 'other', siteId: 'bobinet', label: 'Other', zone: 'hall', sourceUrl: 'sim:x', subStreamUrl: null, username: null, active: true },
];
const services: Service[] = [
  { id: 'pm', name: 'PM', kind: 'police_municipale', active: true },
  { id: 'pn', name: 'PN', kind: 'police_nationale', active: true },
];
const op: Operator = { matricule: 'OP101', name: 'C', role: 'operateur', designated: true, active: true, passwordHash: 'x', mustChangePassword: false, designatedSince: null, designationRef: null };
const good: RequestInput = { siteId: 'tripode', cameraIds: ['h1'], motive: 'vols', justification: 'Vol signalé au parking.', durationMin: 120, serviceId: 'pm' };
const ctx = (over: Partial<RuleContext> = {}): RuleContext => ({ now: NOW, site, conventions: [conv], cameras: cams, services, operator: op, running: [], ...over });
const reasons = (r: Partial<RequestInput>, c: Partial<RuleContext> = {}) => checkRequest({ ...good, ...r }, ctx(c)).reasons;

describe('request rules (convention)', () => {
  test('a good request passes', () => expect(reasons({})).toEqual([]));

  test.each<[string, Partial<RequestInput>, Partial<RuleContext>, string]>([
    ['inactive site', {}, { site: { ...site, active: false } }, 'SITE_INACTIVE'],
    ['no convention', {}, { conventions: [] }, 'CONVENTION_MISSING'],
    ['convention not yet valid', {}, { conventions: [{ ...conv, validFrom: '2027-01-01', validTo: '2027-12-31' }] }, 'CONVENTION_NOT_YET_VALID'],
    ['convention expired', {}, { conventions: [{ ...conv, validFrom: '2025-01-01', validTo: '2025-12-31' }] }, 'CONVENTION_EXPIRED'],
    ['no camera', { cameraIds: [] }, {}, 'NO_CAMERA'],
    ['camera of another site', { cameraIds: ['other'] }, {}, 'CAMERA_NOT_OF_SITE'],
    ['unknown camera', { cameraIds: ['ghost'] }, {}, 'CAMERA_NOT_OF_SITE'],
    ['inactive camera', { cameraIds: ['off'] }, {}, 'CAMERA_INACTIVE'],
    ['unknown motive', { motive: 'curiosité' }, {}, 'MOTIVE_NOT_ALLOWED'],
    ['fractional duration', { durationMin: 120.5 }, {}, 'DURATION_NOT_INTEGER'],
    ['duration not a multiple of 15', { durationMin: 130 }, {}, 'DURATION_NOT_MULTIPLE_OF_15'],
    ['service not connected', { serviceId: 'pn' }, {}, 'SERVICE_NOT_CONNECTED'],
    ['unknown service', { serviceId: 'gendarmerie' }, {}, 'SERVICE_NOT_CONNECTED'],
    ['unknown operator', {}, { operator: undefined }, 'OPERATOR_UNKNOWN'],
    ['inactive operator', {}, { operator: { ...op, active: false } }, 'OPERATOR_INACTIVE'],
    ['operator not designated', {}, { operator: { ...op, designated: false } }, 'OPERATOR_NOT_DESIGNATED'],
    ['administrator', {}, { operator: { ...op, role: 'administrateur' } }, 'OPERATOR_ROLE'],
    ['justification too short (after trimming)', { justification: '   court    ' }, {}, 'JUSTIFICATION_TOO_SHORT'],
    ['justification too long', { justification: 'x'.repeat(1001) }, {}, 'JUSTIFICATION_TOO_LONG'],
    ['justification with a control character', { justification: 'Vol au parking\u0007 ce soir' }, {}, 'JUSTIFICATION_CONTROL_CHARS'],
  ])('%s → %s alone', (_what, r, c, code) => {
    expect(reasons(r, c)).toEqual([code]);
  });

  test('recording: refused unless the convention allows it, and a reason is required (issue G3)', () => {
    const record = { reason: 'Conserver les images pour la plainte.' };
    expect(reasons({ record })).toEqual(['RECORDING_NOT_ALLOWED']);
    const allows = { conventions: [{ ...conv, recordingAllowed: true, retentionDays: 15 }] };
    expect(reasons({ record }, allows)).toEqual([]);
    expect(reasons({ record: { reason: '  court ' } }, allows)).toEqual(['RECORDING_REASON_INVALID']);
    expect(reasons({ record: { reason: 'Pour la plainte\u0007 du soir' } }, allows)).toEqual(['RECORDING_REASON_INVALID']);
    expect(reasons({}, allows)).toEqual([]);
  });

  test('an unknown site: its cameras cannot be of it either', () => {
    expect(reasons({ siteId: 'nowhere' }, { site: undefined, conventions: [] })).toEqual(['SITE_UNKNOWN', 'CAMERA_NOT_OF_SITE']);
  });

  test('boundaries 119, 120, 720, 721 minutes', () => {
    expect(reasons({ durationMin: 119 })).toEqual(['DURATION_TOO_SHORT', 'DURATION_NOT_MULTIPLE_OF_15']);
    expect(reasons({ durationMin: 120 })).toEqual([]);
    expect(reasons({ durationMin: 720 })).toEqual([]);
    expect(reasons({ durationMin: 721 })).toEqual(['DURATION_TOO_LONG', 'DURATION_NOT_MULTIPLE_OF_15']);
    expect(reasons({ durationMin: 105 })).toEqual(['DURATION_TOO_SHORT']);
    expect(reasons({ durationMin: 735 })).toEqual(['DURATION_TOO_LONG']);
  });

  test('a convention that narrows durations and motives', () => {
    const narrow = { conventions: [{ ...conv, minDurationMin: 180, maxDurationMin: 360, motives: ['vols' as const] }] };
    expect(reasons({ durationMin: 165 }, narrow)).toEqual(['DURATION_TOO_SHORT']);
    expect(reasons({ durationMin: 180 }, narrow)).toEqual([]);
    expect(reasons({ durationMin: 375 }, narrow)).toEqual(['DURATION_TOO_LONG']);
    expect(reasons({ motive: 'degradations', durationMin: 180 }, narrow)).toEqual(['MOTIVE_NOT_ALLOWED']);
  });

  test('every reason at once', () => {
    const all = reasons({ cameraIds: [], motive: 'x', durationMin: 721, serviceId: 'pn', justification: ' ' }, { operator: { ...op, designated: false, active: false } });
    expect(all).toEqual(['NO_CAMERA', 'MOTIVE_NOT_ALLOWED', 'DURATION_TOO_LONG', 'DURATION_NOT_MULTIPLE_OF_15', 'SERVICE_NOT_CONNECTED', 'OPERATOR_INACTIVE', 'OPERATOR_NOT_DESIGNATED', 'JUSTIFICATION_TOO_SHORT']);
  });

  describe('a camera already transmitted from this console (issue G5, overlaps)', () => {
    const conv2 = { conventions: [{ ...conv, serviceIds: ['pm', 'pn'] }] };
    const running = (over: Partial<RunningGrant> = {}): RunningGrant => ({ id: 'g1', serviceId: 'pm', cameras: [{ id: 'h1' }, { id: 'p1' }], endsAt: NOW + 3600000, ...over });

    test('to the same service: refused, with the other reasons at once', () => {
      expect(reasons({}, { running: [running()] })).toEqual(['CAMERA_ALREADY_TRANSMITTED']);
      expect(reasons({ justification: 'court' }, { running: [running()] })).toEqual(['CAMERA_ALREADY_TRANSMITTED', 'JUSTIFICATION_TOO_SHORT']);
      // Whoever holds it: the rule is per console, the wall would show the camera twice.
      expect(reasons({ cameraIds: ['h1', 'off'] }, { running: [running()] })).toEqual(['CAMERA_INACTIVE', 'CAMERA_ALREADY_TRANSMITTED']);
    });

    test('to another service: a separate transmission, allowed', () => {
      expect(reasons({ serviceId: 'pn' }, { ...conv2, running: [running()] })).toEqual([]);
      expect(reasons({}, { ...conv2, running: [running({ serviceId: 'pn' })] })).toEqual([]);
    });

    test('other cameras, or a grant past its end the sweep has not closed yet: allowed', () => {
      expect(reasons({}, { running: [running({ cameras: [{ id: 'p1' }] })] })).toEqual([]);
      expect(reasons({}, { running: [running({ endsAt: NOW })] })).toEqual([]);
    });

    test('a renewal is not a duplicate of the grant it renews, nor of the ones that grant renewed; it is of any other', () => {
      const g1 = running();
      const g2 = running({ id: 'g2', renews: 'g1' });
      expect(reasons({ renews: 'g1' }, { running: [g1] })).toEqual([]);
      expect(reasons({ renews: 'g2' }, { running: [g1, g2] })).toEqual([]);
      // A second renewal of g1 while g2 already renews it would put the camera on the wall twice.
      expect(reasons({ renews: 'g1' }, { running: [g1, g2] })).toEqual(['CAMERA_ALREADY_TRANSMITTED']);
      expect(reasons({ renews: 'g1' }, { running: [g1, running({ id: 'g3' })] })).toEqual(['CAMERA_ALREADY_TRANSMITTED']);
      // A loop in forged data ends.
      expect(reasons({ renews: 'g1' }, { running: [running({ renews: 'g2' }), running({ id: 'g2', renews: 'g1' })] })).toEqual([]);
    });
  });

  test('the contract and the database agree on motives and zones', () => {
    expect([...MOTIVES]).toEqual([...DB_MOTIVES]);
    expect([...ZONES]).toEqual([...DB_ZONES]);
  });
});
