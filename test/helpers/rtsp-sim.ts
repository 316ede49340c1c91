import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './tmp';

export interface RtspSim {
  port: number;
  h265: boolean;
  url(path: string): string;
  silence(cam: string): Promise<void>;
  resume(cam: string): Promise<void>;
  stop(): Promise<void>;
}

/** GStreamer's RTSP server (Debian packages) serving live H.264 cameras: the real thing a relay pulls. */
export interface RtspSimOptions {
  /** A fixed port (a camera that comes back after an outage comes back on its address); 0 = any. */
  port?: number;
  cams?: number;
  width?: number;
  height?: number;
  fps?: number;
  auth?: string;
  bitrate?: number;
  snow?: boolean;
  /** Keyframe interval in seconds (a real camera's GOP, e.g. 4). */
  keyframeS?: number;
  profile?: 'baseline' | 'main' | 'high';
  /** Each /camN also serves /camN-sub at this size, e.g. '640x360'. */
  sub?: string;
  /** Pre-encoded H.264 Matroska files every /camN (and /camN-sub) serve instead of encoding live (bench wall). */
  clip?: string;
  clipSub?: string;
}

export function startRtspSim(opts: RtspSimOptions = {}): Promise<RtspSim> {
  const args = [path.join(repoRoot, 'test/fixtures/rtsp-sim.py'), '--cams', String(opts.cams ?? 2), '--width', String(opts.width ?? 320), '--height', String(opts.height ?? 180), '--fps', String(opts.fps ?? 15)];
  if (opts.auth) args.push('--auth', opts.auth);
  if (opts.bitrate) args.push('--bitrate', String(opts.bitrate));
  if (opts.snow) args.push('--snow');
  if (opts.port) args.push('--port', String(opts.port));
  if (opts.keyframeS) args.push('--keyframe-s', String(opts.keyframeS));
  if (opts.profile) args.push('--profile', opts.profile);
  if (opts.sub) args.push('--sub', opts.sub);
  if (opts.clip) args.push('--clip', opts.clip);
  if (opts.clipSub) args.push('--clip-sub', opts.clipSub);
  const child: ChildProcess = spawn('/usr/bin/python3', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`RTSP simulator did not start: ${err}`)), 15000);
    child.once('exit', (code) => reject(new Error(`RTSP simulator exited ${code}: ${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      for (const w of [...waiters]) {
        if (!w.re.test(out)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const m = /READY (\d+) h265=(\d)/.exec(out);
      if (m && timer) {
        clearTimeout(timer);
        const port = Number(m[1]);
        const cmd = (verb: string, cam: string) =>
          new Promise<void>((res) => {
            waiters.push({ re: new RegExp(`OK ${verb} ${cam}`), resolve: res });
            child.stdin!.write(`${verb} ${cam}\n`);
          });
        resolve({
          port,
          h265: m[2] === '1',
          url: (p) => `rtsp://${opts.auth ? `${opts.auth}@` : ''}127.0.0.1:${port}/${p}`,
          silence: (cam) => cmd('silence', cam),
          resume: (cam) => cmd('resume', cam),
          stop: () =>
            new Promise((res) => {
              if (child.exitCode !== null) return res();
              child.once('exit', () => res());
              child.kill('SIGKILL');
            }),
        });
      }
    });
  });
}
