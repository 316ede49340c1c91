import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { claimWorkDir } from '../../main/relay/work-dir';
import { tmpDir } from '../helpers/tmp';

describe('relay work folder', () => {
  test('folders of dead owners are removed at start; live or unmarked ones stay; ours is marked', () => {
    const t = tmpDir('csu-workdir-');
    try {
      // A pid that surely belonged to a process now gone: a child that has already exited.
      const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
      const dead = path.join(t.dir, 'csu-relay-dead');
      const live = path.join(t.dir, 'csu-relay-live');
      const unmarked = path.join(t.dir, 'csu-relay-unmarked');
      for (const d of [dead, live, unmarked]) mkdirSync(d);
      writeFileSync(path.join(dead, 'owner.pid'), deadPid);
      writeFileSync(path.join(live, 'owner.pid'), String(process.ppid));
      const removed: string[] = [];
      const mine = claimWorkDir(t.dir, (_n, dirs) => removed.push(...dirs));
      expect(removed).toEqual([dead]);
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(live) && existsSync(unmarked)).toBe(true);
      expect(readFileSync(path.join(mine, 'owner.pid'), 'utf8')).toBe(String(process.pid));
    } finally {
      t.cleanup();
    }
  });
});
