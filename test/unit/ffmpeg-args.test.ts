import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { probeRtspTimeoutOption, rtspArgs } from '../../main/relay/ffmpeg-args';
import { resolveFfmpegPath } from '../../main/relay/ffmpeg-path';
import { tmpDir } from '../helpers/tmp';

describe('the ffmpeg capability probe', () => {
  test('asks the real ffmpeg which RTSP timeout option it has', async () => {
    expect(['-timeout', '-stimeout']).toContain(await probeRtspTimeoutOption(resolveFfmpegPath(undefined)));
  });

  test('does not block the event loop: an ffmpeg that answers only after this process acts is still heard', async () => {
    // The fake ffmpeg answers once the file `go` exists, and only this test process creates it,
    // after the probe has returned. A synchronous spawn would wait out its 10 s timeout and miss the answer.
    const t = tmpDir('csu-probe-');
    const fake = path.join(t.dir, 'ffmpeg');
    writeFileSync(fake, `#!/bin/sh\nwhile [ ! -f "${t.dir}/go" ]; do sleep 0.02; done\necho "  -stimeout         <int>  set timeout (in microseconds) of socket TCP I/O operations"\n`);
    chmodSync(fake, 0o755);
    const probe = probeRtspTimeoutOption(fake);
    writeFileSync(path.join(t.dir, 'go'), '');
    expect(await probe).toBe('-stimeout');
    // Asked once per binary.
    expect(probeRtspTimeoutOption(fake)).toBe(probe);
    t.cleanup();
  });

  test('a binary that cannot run gives the current option name', async () => {
    expect(await probeRtspTimeoutOption('/nonexistent/ffmpeg')).toBe('-timeout');
  });

  test('the RTSP arguments carry the probed option, in microseconds', () => {
    const args = rtspArgs('-stimeout', 'rtsp://127.0.0.1:8554/cam1', 5000);
    expect(args.slice(args.indexOf('-stimeout'), args.indexOf('-stimeout') + 2)).toEqual(['-stimeout', '5000000']);
  });
});
