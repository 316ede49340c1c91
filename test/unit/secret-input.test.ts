import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { rtspInputArgs } from '../../main/relay/secret-input';

/** A camera's password reaches ffmpeg through a private file, never its command line (issue G2). */
describe('rtspInputArgs', () => {
  const direct = ['-rtsp_transport', 'tcp', '-timeout', '5000000'];

  test('a URL without credentials is passed as it is, with the RTSP options', () => {
    expect(rtspInputArgs('rtsp://192.0.2.10:554/flux', direct)).toEqual([...direct, '-i', 'rtsp://192.0.2.10:554/flux']);
  });

  test('with credentials: a 0600 list file in a 0700 folder, TCP asked in the URL, the password absent from the arguments', () => {
    const args = rtspInputArgs("rtsp://csu:p%40ss'w0rd@192.0.2.10:554/flux", direct);
    expect(args.join(' ')).not.toMatch(/p%40ss|w0rd/);
    const file = args[args.indexOf('-i') + 1]!;
    expect(args.slice(0, 2)).toEqual(['-f', 'concat']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toBe("ffconcat version 1.0\nfile 'rtsp://csu:p%40ss%27w0rd@192.0.2.10:554/flux?tcp'\n");
  });
});
