/**
 * One console's relay in a process of its own, for the review bench's recording overhead: four
 * cameras, each watched by a tile, and in `record` mode each also recorded by the real Recorder
 * (AES-256-GCM segments, SHA-256, journal entries in a real SQLite file). The bench runs a `live`
 * and a `record` child side by side on the same cameras over the same seconds and reads each
 * process's CPU and its ffmpegs' from /proc.
 *
 *   node recording-child.js live|record <origin> <rtsp-url>...   prints "READY <ws-url>,… <ffmpeg-pid>,…"
 * It ends when its stdin closes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../db';
import { OffsetClock } from '../../main/clock';
import { Recorder } from '../../main/recording/recorder';
import { RelayHub } from '../../main/relay/hub';
import { fileSecretStore } from '../../main/secrets';
import { FFMPEG } from '../helpers/decode';
import { repoRoot } from '../helpers/tmp';
import { waitFor } from '../helpers/ws-client';

const silent = { info() {}, warn() {}, error() {} };

async function main(): Promise<void> {
  const [mode, origin, ...urls] = process.argv.slice(2);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'csu-bench-rec-'));
  const hub = new RelayHub({ ffmpegPath: FFMPEG, log: silent, allowedOrigins: () => [origin!], fontFile: path.join(repoRoot, 'assets/fonts/DejaVuSans-Bold.ttf') });
  await hub.start();
  const db = await openDatabase(path.join(dir, 'console.sqlite'));
  const grantId = '00000000-0000-4000-8000-000000000001';
  const cams = urls.map((u, i) => ({ id: `cam${i + 1}`, label: `Cam ${i + 1}`, url: u }));
  const ws = cams.map((c) => hub.open(grantId, { id: c.id, label: c.label, sourceUrl: c.url }).url);
  let recorder: Recorder | undefined;
  if (mode === 'record') {
    recorder = new Recorder({ db, consoleId: 'bench', clock: new OffsetClock(), log: silent, relay: hub, dataDir: dir, secrets: fileSecretStore(dir), quotaBytes: () => 1e12 });
    const now = Date.now();
    await recorder.start({ id: grantId, siteId: 'bench', startsAt: now, endsAt: now + 7200000, cameras: cams }, 7, (id) => ({ main: cams.find((c) => c.id === id)!.url }));
  }
  await waitFor(() => cams.every((c) => hub.statusOf(c.id)?.state === 'live'), 30000, 'live');
  process.stdout.write(`READY ${ws.join(',')} ${hub.snapshot().pipes.map((p) => p.pid).join(',')}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void (async () => {
      await hub.close();
      recorder?.close();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    })();
  });
}

main().catch((err: unknown) => {
  process.stdout.write(`FAILED ${String(err)}\n`);
  process.exit(1);
});
