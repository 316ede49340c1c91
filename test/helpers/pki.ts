import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tmpDir } from './tmp';

/** A throw-away internal PKI made with the real openssl: a CA, and a server certificate it signed for `names`. */
export function makePki(names: { dns: string[]; ip: string[] }): { dir: string; caFile: string; ca: string; cert: Buffer; key: Buffer; cleanup: () => void } {
  const t = tmpDir('csu-pki-');
  const f = (n: string) => path.join(t.dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=CSU test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=csu-central');
  writeFileSync(f('san.ext'), `subjectAltName=${[...names.dns.map((d) => `DNS:${d}`), ...names.ip.map((i) => `IP:${i}`)].join(',')}\n`);
  ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '2', '-extfile', f('san.ext'));
  return { dir: t.dir, caFile: f('ca.pem'), ca: readFileSync(f('ca.pem'), 'utf8'), cert: readFileSync(f('server.pem')), key: readFileSync(f('server.key')), cleanup: t.cleanup };
}
