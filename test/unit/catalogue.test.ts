import type { Knex } from 'knex';
import { conventionInForce, getOperator, listCameras, listConventions, listServices, listSites, upsertConvention, upsertCamera, parisDay } from '../../db/catalogue';
import { verifyPassword } from '../../db/passwords';
import { DEMO_OPERATORS, seedDemo } from '../../db/seeds/demo';
import { MOTIVES } from '../../db/motives';
import { freshDb } from '../helpers/db';

const NOW = Date.UTC(2026, 10, 26, 10, 0);

describe('catalogue and demo seed', () => {
  let env: Awaited<ReturnType<typeof freshDb>>;
  let db: Knex;
  beforeAll(async () => {
    env = await freshDb();
    db = env.db;
    await seedDemo(db, NOW);
  });
  afterAll(() => env.cleanup());

  test('the demo holds the two estates of DOMAIN.md', async () => {
    const sites = await listSites(db);
    const tripode = sites.find((s) => s.id === 'tripode')!;
    expect(tripode).toMatchObject({ name: 'Résidence du Tripode', bailleurName: 'I3F', homes: 260, town: 'Charenton-le-Pont' });
    expect(tripode.addresses).toEqual(["1 rue de l'Arcade, 94220 Charenton-le-Pont", '7 quai de Bercy, 94220 Charenton-le-Pont', '8 rue du Port au Lion, 94220 Charenton-le-Pont']);
    const bobinet = sites.find((s) => s.id === 'bobinet-sellier')!;
    expect(bobinet.bailleurName).toBe('Valophis Habitat');
    expect(bobinet.homes).toBeGreaterThan(400);
    const zones = (await listCameras(db, 'tripode')).map((c) => c.zone);
    expect(zones.filter((z) => z === 'hall')).toHaveLength(3);
    expect(zones.filter((z) => z === 'parking')).toHaveLength(2);
    expect(zones.filter((z) => z === 'sous_sol')).toHaveLength(1);
    expect((await listCameras(db)).every((c) => c.sourceUrl.startsWith('sim:'))).toBe(true);
    expect((await listServices(db)).map((s) => s.kind).sort()).toEqual(['police_municipale', 'police_nationale']);
  });

  test('one convention per site for the current year, six motives, 2 to 12 h', async () => {
    const c = await conventionInForce(db, 'tripode', NOW);
    expect(c).toMatchObject({ validFrom: '2026-01-01', validTo: '2026-12-31', minDurationMin: 120, maxDurationMin: 720 });
    expect(c!.motives).toEqual([...MOTIVES]);
    expect(c!.serviceIds.sort()).toEqual(['pm-charenton', 'pn-charenton']);
    expect(await conventionInForce(db, 'tripode', Date.UTC(2027, 0, 1, 12))).toBeUndefined();
    // New Year's Eve 23:30 in Paris is still covered; 00:30 on 1 January (23:30 UTC) is not.
    expect(await conventionInForce(db, 'tripode', Date.UTC(2026, 11, 31, 22, 30))).toBeDefined();
    expect(await conventionInForce(db, 'tripode', Date.UTC(2026, 11, 31, 23, 30))).toBeUndefined();
    expect(parisDay(Date.UTC(2026, 11, 31, 23, 30))).toBe('2027-01-01');
  });

  test('demo operators log in with their documented passwords (scrypt, per-user salt)', async () => {
    const a = await getOperator(db, 'OP101');
    const b = await getOperator(db, 'SUP201');
    expect(a).toMatchObject({ role: 'operateur', designated: true, active: true });
    expect(b).toMatchObject({ role: 'superviseur' });
    expect(await verifyPassword('demo-operateur', a!.passwordHash)).toBe(true);
    expect(await verifyPassword('wrong', a!.passwordHash)).toBe(false);
    expect(a!.passwordHash.split('$')[4]).not.toBe(b!.passwordHash.split('$')[4]);
    expect(DEMO_OPERATORS.some((o) => !o.designated)).toBe(true);
  });

  test('loading the seed twice duplicates nothing and keeps password hashes', async () => {
    const count = async () => Object.fromEntries(await Promise.all(['bailleurs', 'sites', 'services', 'conventions', 'convention_services', 'cameras', 'operators'].map(async (t) => [t, (await db(t).count('* as n'))[0]])));
    const before = await count();
    const hash = (await getOperator(db, 'OP101'))!.passwordHash;
    await seedDemo(db, NOW);
    expect(await count()).toEqual(before);
    expect((await getOperator(db, 'OP101'))!.passwordHash).toBe(hash);
  });

  test('a convention longer than one year, or with durations outside 2–12 h, is refused', async () => {
    const base = { id: 'conv-x', siteId: 'tripode', parties: ['I3F', 'Ville', 'Préfecture'], motives: ['vols' as const], serviceIds: ['pm-charenton'] };
    await expect(upsertConvention(db, { ...base, validFrom: '2026-03-01', validTo: '2027-03-01' })).rejects.toMatchObject({ code: 'CATALOGUE_INVALID' });
    await expect(upsertConvention(db, { ...base, validFrom: '2026-03-01', validTo: '2027-02-28', minDurationMin: 60 })).rejects.toMatchObject({ code: 'CATALOGUE_INVALID' });
    await expect(upsertConvention(db, { ...base, validFrom: '2026-03-01', validTo: '2026-02-01' })).rejects.toMatchObject({ code: 'CATALOGUE_INVALID' });
    await upsertConvention(db, { ...base, validFrom: '2026-03-01', validTo: '2027-02-28', minDurationMin: 180, maxDurationMin: 480 });
    expect((await listConventions(db, 'tripode')).find((c) => c.id === 'conv-x')).toMatchObject({ minDurationMin: 180, maxDurationMin: 480 });
    await expect(upsertCamera(db, { id: 'x', siteId: 'tripode', label: 'X', zone: 'hall', sourceUrl: 'http://evil' })).rejects.toMatchObject({ code: 'CATALOGUE_INVALID' });
  });
});
