import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCatalogueFile } from '../../db/catalogue-file';
import { lastDayOfOneYear as mainLastDay } from '../../db/catalogue';
import { conventionProblems, lastDayOfOneYear, streamUrlProblem } from '../../renderer/views/admin/checks';
import { fieldOf } from '../../renderer/views/admin/problems';
import { formatDay } from '../../renderer/format';
import { repoRoot } from '../helpers/tmp';

/**
 * The admin forms check a few rules before sending (renderer/views/admin/checks.ts). They must
 * agree with main's (db/catalogue-file.ts), or a form would refuse what main accepts or show
 * another text than main would: each case goes through both and the codes are compared.
 */
const example = JSON.parse(readFileSync(path.join(repoRoot, 'assets', 'examples', 'catalogue-charenton.json'), 'utf8'));

function mainProblems(edit: (f: any) => void): { field: string; code: string }[] {
  const f = structuredClone(example);
  edit(f);
  const r = parseCatalogueFile(JSON.stringify(f));
  return r.ok ? [] : r.problems.map((p) => ({ field: fieldOf(p.path), code: p.code }));
}

describe('admin form checks agree with main', () => {
  test.each([
    'rtsp://192.0.2.10:554/Streaming/Channels/101',
    'rtsps://camera.bailleur.example/live',
    'http://192.0.2.10/flux',
    'https://192.0.2.10/flux',
    'rtsp://user:secret@192.0.2.10/live',
    'rtsp://',
    'pas une adresse',
    'RTSP://192.0.2.10/live',
  ])('stream URL %s', (url) => {
    const client = streamUrlProblem('url', url);
    const server = mainProblems((f) => (f.sites[0].cameras[0].url = url)).filter((p) => p.field === 'url');
    expect(client ? [{ field: 'url', code: client.code }] : []).toEqual(server);
  });

  test.each([
    ['2026-01-01', '2026-12-31'],
    ['2026-01-01', '2027-01-01'],
    ['2028-02-29', '2029-02-28'],
    ['2028-02-29', '2029-03-01'],
    ['2026-11-26', '2027-11-25'],
    ['2026-11-26', '2026-11-25'],
  ])('validity %s → %s', (validFrom, validTo) => {
    expect(lastDayOfOneYear(validFrom)).toBe(mainLastDay(validFrom));
    const c = example.sites[0].conventions[0];
    const client = conventionProblems({ parties: c.parties, signedOn: '', validFrom, validTo, minDurationMin: c.minDurationMin, maxDurationMin: c.maxDurationMin, motives: c.motives, serviceIds: c.serviceIds }).map((p) => ({ field: p.path, code: p.code }));
    const server = mainProblems((f) => {
      delete f.sites[0].conventions[0].signedOn;
      Object.assign(f.sites[0].conventions[0], { validFrom, validTo });
    });
    expect(client).toEqual(server);
  });

  test('signed after the start, durations inverted', () => {
    const c = example.sites[0].conventions[0];
    const edit = { signedOn: '2026-02-01', validFrom: '2026-01-01', validTo: '2026-12-31', minDurationMin: 600, maxDurationMin: 180 };
    const client = conventionProblems({ parties: c.parties, motives: c.motives, serviceIds: c.serviceIds, ...edit }).map((p) => ({ field: p.path, code: p.code }));
    const server = mainProblems((f) => Object.assign(f.sites[0].conventions[0], edit));
    const byField = (a: { field: string }, b: { field: string }) => a.field.localeCompare(b.field);
    expect(client.sort(byField)).toEqual(server.sort(byField));
    expect(client).toHaveLength(2);
  });

  test('a date in a problem reads in French, the first of the month as « 1er »', () => {
    expect(formatDay('2027-11-25')).toBe('25 novembre 2027');
    expect(formatDay('2026-01-01')).toBe('1er janvier 2026');
  });
});
