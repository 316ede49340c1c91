import path from 'node:path';
import { OffsetClock } from '../../main/clock';
import { createServices } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { entriesAfter } from '../../db/journal';
import { publicKeyOf, verifyHead } from '../../db/journal-signature';
import { fileSecretStore } from '../../main/secrets';
import { openServerDb } from '../../server/db';
import { spawnHeadless } from '../helpers/headless';
import { commandLine, descendants, isAlive } from '../helpers/proc-tree';
import { repoRoot, tmpDir } from '../helpers/tmp';
import { waitFor } from '../helpers/ws-client';

describe('the demo mirrors to its embedded central server', () => {
  test('every entry of the demo console reaches central.sqlite, in order, same hashes', async () => {
    const t = tmpDir('csu-embedded-');
    const clock = new OffsetClock();
    const s = await createServices({ shell: 'headless', dataDir: t.dir, assetsDir: path.join(repoRoot, 'assets'), settings: openConfSettings(t.dir), clock, log: { info() {}, warn() {}, error() {} } });
    const consoleId = s.consoleId;
    let embeddedPid: number | undefined;
    try {
      expect(s.mirror.embeddedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // A child process of its own (main/ never loads server/): not this process.
      embeddedPid = s.mirror.embeddedPid!;
      expect(descendants(process.pid)).toContain(embeddedPid);
      expect(commandLine(embeddedPid)).toContain('dist/server/embedded.js');
      await s.session.login('OP101', 'demo-operateur');
      const r = await s.grants.request({ siteId: 'bobinet-sellier', cameraIds: ['bobinet-hall-a'], motive: 'vols', justification: 'Vol de vélo signalé dans le hall A.', durationMin: 150, serviceId: 'pn-charenton' }, 'OP101');
      expect(r.accepted).toBe(true);
      const local = await entriesAfter(s.db, consoleId, 0, 1000);
      expect(local.length).toBeGreaterThanOrEqual(3);
      await waitFor(() => (s.mirror.mirror?.current as { ackedSeq?: number } | undefined)?.ackedSeq === local[local.length - 1]!.seq, 15000, 'mirror caught up');
    } finally {
      await s.close();
    }
    // Stopped on close: the child has exited, central.sqlite is free.
    expect(isAlive(embeddedPid!)).toBe(false);
    // The next start issues a new token and enrolment code; the same key (secret store) enrols again and signs.
    const again = await createServices({ shell: 'headless', dataDir: t.dir, assetsDir: path.join(repoRoot, 'assets'), settings: openConfSettings(t.dir), clock, log: { info() {}, warn() {}, error() {} } });
    try {
      const last = (await entriesAfter(again.db, consoleId, 0, 100000)).pop()!.seq;
      await waitFor(() => again.mirror.mirror?.current?.state === 'synchronised' && again.mirror.mirror.current.ackedSeq >= last, 15000, 'mirror caught up after a restart');
    } finally {
      await again.close();
    }
    const central = await openServerDb(path.join(t.dir, 'central.sqlite'));
    const { openDatabase } = await import('../../db');
    const db = await openDatabase(path.join(t.dir, 'console.sqlite'));
    try {
      const onServer = await central('journal').where({ console_id: consoleId }).orderBy('seq').select('seq', 'hash');
      const mine = (await entriesAfter(db, consoleId, 0, 1000)).map((e) => ({ seq: e.seq, hash: e.hash }));
      // Entries journaled during the quit itself go out at the next start.
      expect(onServer.length).toBeGreaterThanOrEqual(3);
      expect(onServer).toEqual(mine.slice(0, onServer.length));
      // The demo signs like a real console: its key enrolled at start, every batch's last entry signed with it.
      const key = fileSecretStore(t.dir).get('mirror-signing-key')!;
      expect(await central('consoles').where({ id: consoleId }).first('public_key')).toEqual({ public_key: publicKeyOf(key) });
      const signed = await central('journal').where({ console_id: consoleId }).whereNotNull('signature').select('seq', 'hash', 'signature');
      expect(signed.length).toBeGreaterThanOrEqual(2);
      for (const r of signed) expect(verifyHead(publicKeyOf(key), consoleId, Number(r.seq), r.hash, r.signature)).toBe(true);
      const rows = await central('registry').where({ console_id: consoleId });
      expect(rows.map((r: { site_name: string }) => r.site_name)).toEqual(['Bobinet-Sellier']);
    } finally {
      await central.destroy();
      await db.destroy();
      t.cleanup();
    }
  }, 60000);

  test('the embedded server dies with its console, even one killed outright', async () => {
    const t = tmpDir('csu-embedded-kill-');
    const app = await spawnHeadless(t.dir, ['--port', '0']);
    try {
      const servers = descendants(app.child.pid!).filter((p) => commandLine(p).includes('server/embedded.js'));
      expect(servers).toHaveLength(1);
      const exited = new Promise((r) => app.child.once('exit', r));
      app.child.kill('SIGKILL');
      await exited;
      // No close message can come from a killed parent: the child sees its IPC channel close.
      await waitFor(() => !isAlive(servers[0]!), 15000, 'the orphaned embedded server to exit');
    } finally {
      await app.stop();
      t.cleanup();
    }
  }, 60000);
});
