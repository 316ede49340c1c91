import { spawn } from 'node:child_process';
import path from 'node:path';
import { openDatabase } from '../../db';
import { verifyChain } from '../../db/journal';
import { bundleFixture } from '../helpers/bundle';
import { tmpDir } from '../helpers/tmp';

const ROUNDS = 12;
const C = 'poste-crash';

/**
 * Runs the writer until it has acknowledged `killAfterAcks` entries, kills it with SIGKILL, returns
 * the acked seqs. The kill lands wherever the writer then is (mid-transaction, between two): a
 * count of acknowledgements, not a delay, says when, so a slow machine kills as surely as a fast one.
 */
function runAndKill(writer: string, file: string, killAfterAcks: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, file, C], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let buf = '';
    let err = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        const m = /^ack (\d+)$/.exec(l);
        if (m) acked.push(Number(m[1]));
        if (!killed && acked.length >= killAfterAcks) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited on its own: ${err}`));
      resolve(acked);
    });
  });
}

describe('journal durability under SIGKILL (real SQLite file, real child process)', () => {
  test(`${ROUNDS} rounds: every acknowledged entry survives, no gap, chain verifies`, async () => {
    const writer = bundleFixture('test/fixtures/journal-writer.ts');
    const t = tmpDir('csu-crash-');
    const file = path.join(t.dir, 'journal.sqlite');
    let lastAcked = 0;
    let totalAcked = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const acked = await runAndKill(writer, file, 1 + Math.floor(Math.random() * 40));
      totalAcked += acked.length;
      const db = await openDatabase(file);
      try {
        const rows: { seq: number }[] = await db('journal').where({ console_id: C }).orderBy('seq').select('seq');
        const seqs = rows.map((r) => r.seq);
        // No gap: 1..max.
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
        // Every acknowledged entry is there.
        const max = seqs.length ? seqs[seqs.length - 1]! : 0;
        for (const a of acked) expect(a).toBeLessThanOrEqual(max);
        if (acked.length) expect(acked[0]).toBeGreaterThan(lastAcked);
        expect(max).toBeGreaterThanOrEqual(acked.length ? acked[acked.length - 1]! : lastAcked);
        const report = await verifyChain(db, C);
        expect(report).toMatchObject({ ok: true, checked: max, head: { seq: max } });
        lastAcked = max;
      } finally {
        await db.destroy();
      }
    }
    expect(totalAcked).toBeGreaterThanOrEqual(ROUNDS);
    t.cleanup();
  }, 120000);
});
