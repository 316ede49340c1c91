/**
 * One relay in a process of its own, for the relay bench's CPU comparison: the bench runs ours and
 * node-rtsp-stream side by side on the same camera over the same seconds, so both see the same
 * machine, and reads each process's CPU (and its ffmpeg's) from /proc.
 *
 *   node relay-child.js ours <rtsp-url> <origin> <readPaceMs>   prints "READY <ws-url> <ffmpeg-pid> <rss>"
 *   node relay-child.js baseline <rtsp-url> <ws-port>           prints "READY ws://… <ffmpeg-pid> <rss>"
 * It ends when its stdin closes.
 */
import path from 'node:path';
import { RelayHub } from '../../main/relay/hub';
import { FFMPEG } from '../helpers/decode';
import { repoRoot } from '../helpers/tmp';
import { waitFor } from '../helpers/ws-client';

const silent = { info() {}, warn() {}, error() {} };

async function ours(url: string, origin: string, readPaceMs: number): Promise<() => Promise<void>> {
  const rss0 = process.memoryUsage().rss;
  const hub = new RelayHub({ ffmpegPath: FFMPEG, log: silent, allowedOrigins: () => [origin], fontFile: path.join(repoRoot, 'assets/fonts/DejaVuSans-Bold.ttf'), pipe: { readPaceMs } });
  await hub.start();
  const { url: ws } = hub.open('bench', { id: 'cam', label: 'cam', sourceUrl: url });
  await waitFor(() => hub.statusOf('cam')?.state === 'live', 20000, 'live');
  process.stdout.write(`READY ${ws} ${hub.snapshot().pipes[0]!.pid} ${rss0}\n`);
  return () => hub.close();
}

async function baseline(url: string, wsPort: number): Promise<() => Promise<void>> {
  // It logs every connection and relays ffmpeg's progress lines to stderr: keep the bench's output readable.
  console.log = () => undefined;
  (process.stderr as { write: unknown }).write = () => true;
  const Stream = require('node-rtsp-stream');
  const stream = new Stream({ name: 'baseline', streamUrl: url, wsPort, ffmpegPath: FFMPEG });
  process.stdout.write(`READY ws://127.0.0.1:${wsPort} ${stream.mpeg1Muxer.stream.pid} ${process.memoryUsage().rss}\n`);
  return async () => stream.stop();
}

async function main(): Promise<void> {
  const [mode, url, arg, pace] = process.argv.slice(2);
  const stop = mode === 'ours' ? await ours(url!, arg!, Number(pace ?? 0)) : await baseline(url!, Number(arg));
  process.stdin.resume();
  process.stdin.on('end', () => void stop().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stdout.write(`FAILED ${String(err)}\n`);
  process.exit(1);
});
