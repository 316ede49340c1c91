/**
 * npm run bench -- grants
 * 200 grants with staggered ends (50 ms apart), each with a connected client; the grants share
 * three demo cameras (three ffmpeg processes serve them all). The clock is moved to just before
 * the first end, then real timers end them one after another. Measured: from endsAt to the
 * socket close seen by the client, on the console's clock.
 */
import path from 'node:path';
import { OffsetClock } from '../../main/clock';
import { createServices } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { repoRoot, tmpDir } from '../helpers/tmp';
import { connectStream, waitFor } from '../helpers/ws-client';
import { report } from './report';

const N = 200;
const ORIGIN = 'http://127.0.0.1:5997';
const CAMERAS = ['tripode-hall-arcade', 'tripode-parking-n1', 'tripode-sous-sol'];

async function main(): Promise<void> {
  const t = tmpDir('csu-bench-grants-');
  const clock = new OffsetClock();
  const s = await createServices({ shell: 'headless', dataDir: t.dir, assetsDir: path.join(repoRoot, 'assets'), settings: openConfSettings(t.dir), clock, log: { info() {}, warn() {}, error() {} } });
  s.allowOrigin(ORIGIN);
  let endedEvents = 0;
  s.events.subscribe((event) => event === 'grant.ended' && endedEvents++);
  await s.session.login('OP101', 'demo-operateur');
  const grants: { id: string; endsAt: number }[] = [];
  for (let i = 0; i < N; i++) {
    // A camera goes once to a service from a console: the later grants on a camera renew the one before.
    const renews = grants[i - CAMERAS.length]?.id;
    const r = await s.grants.request({ siteId: 'tripode', cameraIds: [CAMERAS[i % CAMERAS.length]!], motive: 'attroupements', justification: `Banc d'essai, demande ${i}.`, durationMin: 120, serviceId: 'pm-charenton', ...(renews ? { renews } : {}) }, 'OP101');
    if (!r.accepted) throw new Error(`refused: ${r.reasons.join(',')}`);
    grants.push({ id: r.grant.id, endsAt: r.grant.endsAt });
    clock.advance(50);
  }
  const closes: Promise<number>[] = [];
  for (const g of grants) {
    const [stream] = await s.grants.openStreams(g.id, { matricule: 'OP101', role: 'operateur', designated: true });
    const c = await connectStream(stream!.url, ORIGIN);
    closes.push(c.closed.then(() => clock.now() - g.endsAt));
  }
  await waitFor(() => s.relay.snapshot().pipes.every((p) => p.state === 'live' || p.state === 'idle'), 30000, 'cameras live');
  const t0 = performance.now();
  clock.advance(grants[0]!.endsAt - 500 - clock.now());
  s.grants.reschedule();
  const lat = (await Promise.all(closes)).sort((a, b) => a - b);
  const wallS = (performance.now() - t0) / 1000;
  // The end is journaled right after the sockets close and ffmpeg is gone.
  await waitFor(() => endedEvents === N, 10000, 'every end journaled');
  const p = (q: number) => lat[Math.min(lat.length - 1, Math.ceil(q * lat.length) - 1)]!;
  const ended = await s.db('journal').where({ kind: 'transmission.ended' }).count<{ n: number }[]>('* as n');
  await s.close();
  t.cleanup();
  const ok = report(
    'grants',
    { grants: N, expiry_stop_p50_ms: p(0.5), expiry_stop_p99_ms: p(0.99), expiry_stop_max_ms: lat[lat.length - 1]!, expiry_stop_min_ms: lat[0]!, ends_journaled: Number(ended[0]!.n), ending_phase_s: Number(wallS.toFixed(1)) },
    [
      { metric: 'expiry_stop_p99_ms', op: '<=', value: 250 },
      { metric: 'ends_journaled', op: '>=', value: N },
    ],
    { cameras: CAMERAS.length, stagger_ms: 50 },
  );
  process.exit(ok ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
