/**
 * A camera's password never appears in ffmpeg's command line, which any local user can read
 * (`ps`, /proc/PID/cmdline). When the URL carries credentials, ffmpeg is handed a one-entry
 * concat list instead — a file readable only by the console's user, in a folder only it can
 * enter — and the file is removed once ffmpeg has read it (it reads the list when it opens its
 * input, before any network traffic). The concat demuxer takes no RTSP options, so TCP is asked
 * for in the URL (`?tcp`, which ffmpeg's RTSP client reads and strips).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Time enough for ffmpeg to start and read its list, even on a loaded machine. */
const REMOVE_AFTER_MS = 20000;
let dir: string | undefined;

function secretDir(): string {
  if (!dir) {
    dir = path.join(os.tmpdir(), `csu-sources-${process.pid}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const d = dir;
    process.once('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  return dir;
}

export function hasCredentials(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/** ffmpeg's input arguments for an RTSP URL: as is without credentials, through a private list file with them. */
export function rtspInputArgs(url: string, direct: string[]): string[] {
  if (!hasCredentials(url)) return [...direct, '-i', url];
  const u = new URL(url);
  if (!u.search) u.search = '?tcp';
  // ffconcat quotes with single quotes; a quote inside the URL is percent-encoded so it cannot end the string.
  const quoted = u.toString().replace(/'/g, '%27');
  const file = path.join(secretDir(), `${randomBytes(12).toString('hex')}.ffconcat`);
  writeFileSync(file, `ffconcat version 1.0\nfile '${quoted}'\n`, { mode: 0o600 });
  setTimeout(() => rmSync(file, { force: true }), REMOVE_AFTER_MS).unref();
  return ['-f', 'concat', '-safe', '0', '-protocol_whitelist', 'file,rtsp,rtsps,tcp,udp,rtp,tls,crypto', '-i', file];
}
