import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db';
import { openApi } from '../helpers/api-client';
import { spawnHeadless } from '../helpers/headless';
import { tmpDir } from '../helpers/tmp';

/** A console killed with SIGKILL mid-grant: the outage is journaled at the next start and leaves the effective duration. */
test('SIGKILL mid-grant: transmission.interrupted (last alive mark → restart) before transmission.resumed, subtracted in the registry', async () => {
  const t = tmpDir('csu-downtime-');
  let app = await spawnHeadless(t.dir);
  try {
    let api = await openApi(Number(new URL(app.url).port), app.token);
    await api.call('session.login', { matricule: 'OP101', password: 'demo-operateur' });
    const r = await api.call('grants.request', { siteId: 'tripode', cameraIds: ['tripode-hall-bercy'], motive: 'degradations', justification: 'Dégradations signalées dans le hall ce soir.', durationMin: 120, serviceId: 'pm-charenton' });
    const grantId = r.value.grant.id as string;
    const mark = JSON.parse(readFileSync(path.join(t.dir, 'alive.json'), 'utf8'));
    expect(mark).toMatchObject({ clean: false });
    app.child.kill('SIGKILL');
    await new Promise((res) => app.child.once('exit', res));
    const killedAt = Date.now();

    app = await spawnHeadless(t.dir);
    api = await openApi(Number(new URL(app.url).port), app.token);
    await api.call('session.login', { matricule: 'OP101', password: 'demo-operateur' });
    expect((await api.call('grants.list')).value.map((g: { id: string }) => g.id)).toEqual([grantId]);
    expect(await api.call('grants.stop', { grantId })).toMatchObject({ ok: true });
    api.ws.close();
    expect(await app.stop()).toBe(0);

    const db = await openDatabase(path.join(t.dir, 'console.sqlite'));
    try {
      const rows = (await db('journal').whereIn('kind', ['transmission.interrupted', 'transmission.resumed', 'transmission.ended']).orderBy('seq')).map((e: any) => ({ kind: e.kind, ...JSON.parse(e.payload) }));
      expect(rows.map((e) => e.kind)).toEqual(['transmission.interrupted', 'transmission.resumed', 'transmission.ended']);
      const gap = rows[0];
      expect(gap.grantId).toBe(grantId);
      // From the last mark the killed process wrote (at most one period before the kill) to the restart.
      expect(gap.from).toBeGreaterThanOrEqual(mark.at);
      expect(gap.from).toBeLessThanOrEqual(killedAt);
      expect(gap.to).toBeGreaterThanOrEqual(killedAt);
      expect(gap.to).toBeGreaterThan(gap.from);
      expect(gap.to).toBeLessThanOrEqual(rows[1].resumedAt);
      // The view, interruption included, agrees with the journal's projection: nothing was flagged.
      expect(await db('journal').where({ kind: 'registry.verified' })).toEqual([]);
      const reg = await db('registry').where({ grant_id: grantId }).first();
      expect(Number(reg.interrupted_ms)).toBe(gap.to - gap.from);
      // After a clean stop the next start has no outage to journal.
      expect(JSON.parse(readFileSync(path.join(t.dir, 'alive.json'), 'utf8'))).toMatchObject({ clean: true });
    } finally {
      await db.destroy();
    }
  } finally {
    if (app.child.exitCode === null) await app.stop();
    t.cleanup();
  }
}, 60000);
