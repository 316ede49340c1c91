import { spawn, type ChildProcess } from 'node:child_process';
import { ReadPacer } from '../../main/relay/read-pacer';

/**
 * A real child process writing to a real pipe, as ffmpeg does: each write is a line with a
 * sequence number and the time it was written. Commands on stdin: "burst <n> <everyMs>" writes n
 * lines that far apart; "one" writes a single line.
 */
const WRITER = `
let seq = 0;
const line = () => process.stdout.write(JSON.stringify({ seq: seq++, at: Date.now() }) + '\\n' + 'x'.repeat(4000) + '\\n');
process.stdin.on('data', (d) => {
  for (const cmd of d.toString().trim().split('\\n')) {
    const [verb, n, every] = cmd.split(' ');
    if (verb === 'one') line();
    if (verb === 'burst') { let k = 0; const t = setInterval(() => { line(); if (++k >= Number(n)) clearInterval(t); }, Number(every)); }
    if (verb === 'end') process.exit(0);
  }
});
`;

interface Turn {
  at: number;
  lines: { seq: number; at: number }[];
}

function startWriter(paceMs: number): { child: ChildProcess; pacer: ReadPacer; turns: Turn[]; send(cmd: string): void } {
  const child = spawn(process.execPath, ['-e', WRITER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const turns: Turn[] = [];
  let rest = '';
  const pacer = new ReadPacer(child.stdout!, paceMs, (chunk) => {
    const text = rest + chunk.toString();
    const parts = text.split('\n');
    rest = parts.pop()!;
    turns.push({ at: Date.now(), lines: parts.filter((p) => p.startsWith('{')).map((p) => JSON.parse(p) as { seq: number; at: number }) });
  });
  return { child, pacer, turns, send: (cmd) => child.stdin!.write(`${cmd}\n`) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Wide enough that "at once" and "held for the pace" cannot be mistaken on a loaded machine.
const PACE = 300;

describe('ReadPacer (real child process, real pipe)', () => {
  let w: ReturnType<typeof startWriter>;
  afterEach(() => {
    w.pacer.stop();
    w.child.kill('SIGKILL');
  });

  test('after a quiet spell the first write goes on at once', async () => {
    w = startWriter(PACE);
    await sleep(PACE);
    w.send('one');
    await sleep(2 * PACE);
    w.send('one');
    await sleep(2 * PACE);
    const lines = w.turns.flatMap((t) => t.lines.map((l) => ({ ...l, delay: t.at - l.at })));
    expect(lines.map((l) => l.seq)).toEqual([0, 1]);
    // Not held for the pace: a still camera's picture leaves when it comes.
    for (const l of lines) expect(l.delay).toBeLessThan(PACE / 2);
  });

  test('a busy source: turns at least the pace apart, no write later than the pace, nothing lost or reordered', async () => {
    w = startWriter(PACE);
    await sleep(200);
    w.send('burst 60 10'); // 100 writes a second for 0.6 s
    await sleep(600 + 3 * PACE);
    const seqs = w.turns.flatMap((t) => t.lines.map((l) => l.seq));
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i));
    // Three or four turns instead of 60 reads.
    expect(w.turns.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < w.turns.length; i++) expect(w.turns[i]!.at - w.turns[i - 1]!.at).toBeGreaterThanOrEqual(PACE - 2);
    for (const t of w.turns) for (const l of t.lines) expect(t.at - l.at).toBeLessThanOrEqual(PACE + PACE / 2);
  });

  test('while resting the pipe is not read at all (the handle is stopped, not just paused)', async () => {
    w = startWriter(PACE);
    await sleep(200);
    w.send('burst 40 5');
    const stdout = w.child.stdout!;
    let sawRest = false;
    for (let i = 0; i < 40; i++) {
      await sleep(7);
      // pause() alone would keep reading into the stream's buffer (up to 16 KB here, 64 KB in
      // later Nodes); a stopped handle leaves the bytes in the pipe.
      if (stdout.isPaused()) {
        sawRest = true;
        expect(stdout.readableLength).toBe(0);
      }
    }
    expect(sawRest).toBe(true);
    await sleep(2 * PACE);
    expect(w.turns.flatMap((t) => t.lines).length).toBe(40);
  });

  test('stop(): nothing more is handed on and the pipe drains to its end', async () => {
    w = startWriter(PACE);
    await sleep(200);
    w.send('burst 20 10');
    await sleep(PACE / 2);
    w.pacer.stop();
    const handed = w.turns.length;
    const ended = new Promise<void>((r) => w.child.stdout!.once('end', () => r()));
    w.send('end');
    await ended;
    expect(w.turns.length).toBe(handed);
  });

  test('pace 0 hands on every read as it comes', async () => {
    w = startWriter(0);
    await sleep(200);
    w.send('burst 10 30');
    await sleep(500);
    expect(w.turns.flatMap((t) => t.lines.map((l) => l.seq))).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(w.turns.length).toBeGreaterThanOrEqual(8);
    expect(w.pacer.turns).toBe(w.turns.length);
  });
});
