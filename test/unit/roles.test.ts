import path from 'node:path';
import { OffsetClock } from '../../main/clock';
import { createServices, type Services } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { createDispatcher, type Dispatch } from '../../main/transport/dispatch';
import { upsertOperator } from '../../db/catalogue';
import { hashPassword } from '../../db/passwords';
import { channels } from '../../preload/contract';
import { repoRoot, tmpDir } from '../helpers/tmp';

/**
 * Who may call what, on the real service graph (demo catalogue in a real SQLite file). The
 * expected matrix is written out here by hand, not derived from the contract, so that changing a
 * method's access without meaning to fails this test; a new method fails it until it is added.
 */
const silent = { info() {}, warn() {}, error() {} };

type Profile = 'nobody' | 'operator' | 'nonDesignated' | 'supervisor' | 'admin' | 'designatedAdmin';
const LOGINS: Record<Exclude<Profile, 'nobody'>, [string, string]> = {
  operator: ['OP101', 'demo-operateur'],
  nonDesignated: ['OP102', 'demo-non-designe'],
  supervisor: ['SUP201', 'demo-superviseur'],
  admin: ['ADM301', 'demo-administrateur'],
  designatedAdmin: ['ADM302', 'admin-designe-essai'],
};
const EVERYONE: Profile[] = ['nobody', 'operator', 'nonDesignated', 'supervisor', 'admin', 'designatedAdmin'];
const LOGGED_IN: Profile[] = ['operator', 'nonDesignated', 'supervisor', 'admin', 'designatedAdmin'];
const OPERATORS: Profile[] = ['operator', 'nonDesignated', 'supervisor', 'designatedAdmin'];
const SUPERVISORS_AND_ADMINS: Profile[] = ['supervisor', 'admin', 'designatedAdmin'];
const ADMINS: Profile[] = ['admin', 'designatedAdmin'];

const MATRIX: Record<string, Profile[]> = {
  'app.info': EVERYONE,
  'app.clock': EVERYONE,
  'session.login': EVERYONE,
  'session.logout': EVERYONE,
  'session.current': EVERYONE,
  'session.changePassword': LOGGED_IN,
  'session.createFirstAdmin': EVERYONE,
  'catalogue.alerts': SUPERVISORS_AND_ADMINS,
  'review.timeline': SUPERVISORS_AND_ADMINS,
  'review.entry': SUPERVISORS_AND_ADMINS,
  'review.exportEvidence': ['supervisor'],
  'admin.catalogue': ADMINS,
  'admin.importCatalogue': ADMINS,
  'admin.exportCatalogue': ADMINS,
  'admin.saveBailleur': ADMINS,
  'admin.saveService': ADMINS,
  'admin.saveSite': ADMINS,
  'admin.saveCamera': ADMINS,
  'admin.saveConvention': ADMINS,
  'admin.saveOperator': ADMINS,
  'admin.resetPassword': ADMINS,
  'admin.testCamera': ADMINS,
  'admin.setMirror': ADMINS,
  'admin.testMirror': ADMINS,
  'admin.centralCatalogue': ADMINS,
  'admin.checkCentralCatalogue': ADMINS,
  'admin.publishCatalogue': ADMINS,
  'catalogue.get': LOGGED_IN,
  'grants.request': OPERATORS,
  'grants.openStreams': OPERATORS,
  'grants.stop': OPERATORS,
  'grants.list': OPERATORS,
  'grants.streamState': OPERATORS,
  'wall.get': OPERATORS,
  'wall.dismiss': OPERATORS,
  'mirror.status': LOGGED_IN,
  'registry.list': LOGGED_IN,
  'registry.events': SUPERVISORS_AND_ADMINS,
  'reports.preview': SUPERVISORS_AND_ADMINS,
  'reports.generate': SUPERVISORS_AND_ADMINS,
  'reports.sources': SUPERVISORS_AND_ADMINS,
  'integrity.status': SUPERVISORS_AND_ADMINS,
  'review.recording': SUPERVISORS_AND_ADMINS,
  'review.play': ['supervisor'],
};

describe('role matrix: every method × every role', () => {
  const tmp = tmpDir('csu-roles-');
  let s: Services;
  let dispatch: Dispatch;

  beforeAll(async () => {
    s = await createServices({ shell: 'headless', dataDir: tmp.dir, assetsDir: path.join(repoRoot, 'assets'), settings: openConfSettings(tmp.dir), clock: new OffsetClock(), log: silent });
    await upsertOperator(s.db, { matricule: 'ADM302', name: 'Admin désigné', role: 'administrateur', designated: true, passwordHash: await hashPassword('admin-designe-essai') });
    dispatch = createDispatcher(s.handlers, silent, () => s.session.operator);
  }, 30000);
  afterAll(async () => {
    await s.close();
    tmp.cleanup();
  });

  async function as(profile: Profile): Promise<void> {
    await s.session.logout();
    if (profile !== 'nobody') await s.session.login(...LOGINS[profile]);
  }

  test('the matrix names every method of the contract', () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...channels()].sort());
  });

  test.each(EVERYONE)('%s: allowed methods run, the others are refused before their arguments are read', async (profile) => {
    const seen: string[] = [];
    for (const ch of channels()) {
      await as(profile);
      // No arguments at all: an allowed method answers (or says INVALID_ARGUMENT), a refused one never gets that far.
      const r = await dispatch(ch, undefined, { transport: 'ws' });
      const code = r.ok ? 'ok' : r.error.code;
      const allowed = MATRIX[ch]!.includes(profile);
      const expected = allowed ? expect.not.stringMatching(/^(FORBIDDEN|NOT_LOGGED_IN)$/) : profile === 'nobody' ? 'NOT_LOGGED_IN' : 'FORBIDDEN';
      expect([ch, code]).toEqual([ch, expected]);
      seen.push(ch);
    }
    expect(seen.length).toBe(channels().length);
  }, 60000);
});
