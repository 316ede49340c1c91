import { spawn, type ChildProcess } from 'node:child_process';
import { ReadPacer, type PaceTimers } from '../../main/relay/read-pacer';
import { waitFor } from '../helpers/ws-client';

/**
 * A real child process writing to a real pipe, as ffmpeg does: each write is a line with a
 * sequence number. Commands on stdin: "one" writes a line; "lines <n>" writes n lines at once;
 * each command is acknowledged on stderr once written. The pace timer is the test's: a rest
 * ends when the test says so, never after a sleep (how late a frame may be is the relay bench's).
 */
const WRITER = `
let seq = 0;
const line = () => process.stdout.write(JSON.stringify({ seq: seq++ }) + '\\n' + 'x'.repeat(4000) + '\\n');
process.stdin.on('data', (d) => {
  for (const cmd of d.toString().trim().split('\\n')) {
    const [verb, n] = cmd.split(' ');
    if (verb === 'one') line();
    if (verb === 'lines') for (let k = 0; k < Number(n); k++) line();
    if (verb === 'end') process.exit(0);
    process.stderr.write('wrote\\n');
  }
});
`;

/** A pace timer that fires only when the test calls fire(). */
class ManualTimers implements PaceTimers {
  armed: { fn: () => void; ms: number }[] = [];
  requested: number[] = [];
  set = (fn: () => void, ms: number) => {
    const t = { fn, ms };
    this.armed.push(t);
    this.requested.push(ms);
    return t;
  };
  clear = (handle: unknown) => {
    this.armed = this.armed.filter((t) => t !== handle);
  };
  /** Ends the rest now, from the event loop's timers phase as a real timer would (so the pipe is read in that turn's poll phase). */
  fire(): Promise<void> {
    const t = this.armed.shift();
    if (!t) throw new Error('no rest under way');
    return new Promise((resolve) =>
      setImmediate(() =>
        setTimeout(() => {
          t.fn();
          resolve();
        }, 0),
      ),
    );
  }
}

interface Writer {
  child: ChildProcess;
  pacer: ReadPacer;
  timers: ManualTimers;
  turns: number[][];
  seqs(): number[];
  /** Sends a command and resolves once the writer has written it into the pipe. */
  send(cmd: string): Promise<void>;
}

function startWriter(paceMs: number): Writer {
  const child = spawn(process.execPath, ['-e', WRITER], { stdio: ['pipe', 'pipe', 'pipe'] });
  const timers = new ManualTimers();
  const turns: number[][] = [];
  let rest = '';
  let acks = 0;
  let sent = 0;
  child.stderr!.on('data', (d: Buffer) => (acks += (d.toString().match(/wrote/g) ?? []).length));
  const pacer = new ReadPacer(
    child.stdout!,
    paceMs,
    (chunk) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop()!;
      turns.push(parts.filter((p) => p.startsWith('{')).map((p) => (JSON.parse(p) as { seq: number }).seq));
    },
    timers,
  );
  return {
    child,
    pacer,
    timers,
    turns,
    seqs: () => turns.flat(),
    send: async (cmd) => {
      const want = ++sent;
      child.stdin!.write(`${cmd}\n`);
      if (cmd !== 'end') await waitFor(() => acks >= want, 10000, `the writer to write "${cmd}"`);
    },
  };
}

/** Lets the event loop go round: pending reads and immediates run (what a turn would do). */
async function loopTurns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

/** Ends rests one after the other until cond holds (each only once the loop has had its turn). */
async function restsUntil(w: Writer, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) {
    await loopTurns();
    if (!cond() && w.timers.armed.length) await w.timers.fire();
  }
  expect(cond()).toBe(true);
}

const PACE = 100;

describe('ReadPacer (real child process, real pipe, the test holds the pace timer)', () => {
  let w: Writer;
  afterEach(() => {
    w.pacer.stop();
    w.child.kill('SIGKILL');
  });

  test('after a quiet spell the first write goes on at once, not after the pace', async () => {
    w = startWriter(PACE);
    await w.send('one');
    // Handed on while no rest has ended: a still camera's picture leaves when it comes.
    await waitFor(() => w.turns.length === 1, 10000, 'the first turn');
    expect(w.timers.requested).toEqual([PACE]);
    // The rest ends with nothing come in: idle again, no timer left armed.
    await w.timers.fire();
    await loopTurns();
    expect(w.timers.armed).toEqual([]);
    await w.send('one');
    await waitFor(() => w.turns.length === 2, 10000, 'the second turn');
    expect(w.seqs()).toEqual([0, 1]);
  });

  test('a busy source: what comes during a rest waits for its end and goes in one turn; nothing lost or reordered', async () => {
    w = startWriter(PACE);
    await w.send('one');
    await waitFor(() => w.turns.length === 1, 10000, 'the first turn');
    await w.send('lines 10');
    await loopTurns();
    // Resting: the ten writes wait in the pipe.
    expect(w.turns.length).toBe(1);
    await w.timers.fire();
    await waitFor(() => w.turns.length === 2, 10000, 'the turn after the rest');
    expect(w.turns[1]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await w.send('lines 3');
    // However the reads fall, every turn waits for the rest before it to end.
    await restsUntil(w, () => w.seqs().length === 14);
    expect(w.seqs()).toEqual(Array.from({ length: 14 }, (_, i) => i));
    // Each turn is followed by a rest of the pace, and only a turn starts one.
    expect(w.timers.requested).toEqual(w.turns.map(() => PACE));
  }, 20000);

  test('while resting the pipe is not read at all (the handle is stopped, not just paused)', async () => {
    w = startWriter(PACE);
    await w.send('one');
    await waitFor(() => w.turns.length === 1, 10000, 'the first turn');
    await w.send('lines 10');
    await loopTurns();
    const stdout = w.child.stdout!;
    // pause() alone would keep reading into the stream's buffer (up to 16 KB here, 64 KB in
    // later Nodes); a stopped handle leaves the bytes in the pipe.
    expect(stdout.isPaused()).toBe(true);
    expect(stdout.readableLength).toBe(0);
    await w.timers.fire();
    await restsUntil(w, () => w.seqs().length === 11);
  });

  test('stop(): nothing more is handed on and the pipe drains to its end', async () => {
    w = startWriter(PACE);
    await w.send('one');
    await waitFor(() => w.turns.length === 1, 10000, 'the first turn');
    await w.send('lines 5');
    w.pacer.stop();
    expect(w.timers.armed).toEqual([]);
    const ended = new Promise<void>((r) => w.child.stdout!.once('end', () => r()));
    await w.send('end');
    await ended;
    expect(w.turns.length).toBe(1);
  });

  test('pace 0 hands on every read as it comes, with no rest', async () => {
    w = startWriter(0);
    for (let i = 1; i <= 10; i++) {
      await w.send('one');
      await waitFor(() => w.turns.length === i, 10000, `turn ${i}`);
    }
    expect(w.seqs()).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(w.pacer.turns).toBe(10);
    expect(w.timers.requested).toEqual([]);
  });
});
