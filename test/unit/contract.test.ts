import { format } from 'node:util';
import { z } from 'zod';
import { ACCESS, ERROR_CODES, buildApi, channels, contract, mayCall, specOf } from '../../preload/contract';
import { AppError } from '../../main/errors';
import { silentLogger } from '../../main/log';
import { createDispatcher } from '../../main/transport/dispatch';
import type { Handlers } from '../../preload/contract';
import type { CallContext } from '../../main/transport/dispatch';

const info = { name: 'Console CSU', version: '1.2.3', mode: 'demo' as const, consoleId: 'c-1', buildTime: new Date(0).toISOString(), shell: 'headless' as const, setup: 'ready' as const, catalogueVersion: 1 };

function handlers(over: Partial<Handlers<CallContext>['app']> = {}): Handlers<CallContext> {
  // Only app.* is exercised here; the other namespaces are not reached.
  return { app: { info: () => info, clock: () => ({ now: 0 }), ...over } } as unknown as Handlers<CallContext>;
}

describe('contract', () => {
  test('every method has argument and result schemas and a channel', () => {
    expect(channels()).toContain('app.info');
    for (const ch of channels()) {
      const spec = specOf(ch)!;
      expect(spec.args).toBeInstanceOf(z.ZodType);
      expect(spec.result).toBeInstanceOf(z.ZodType);
    }
  });

  test('specOf does not resolve prototype properties or malformed names', () => {
    expect(specOf('app.toString')).toBeUndefined();
    expect(specOf('__proto__.info')).toBeUndefined();
    expect(specOf('app')).toBeUndefined();
    expect(specOf('app.info.x')).toBeUndefined();
  });

  test('buildApi exposes named functions per namespace', async () => {
    const calls: [string, unknown][] = [];
    const api = buildApi(
      async (ch, args) => {
        calls.push([ch, args]);
        return info;
      },
      () => () => undefined,
    );
    expect(Object.keys(api)).toEqual([...Object.keys(contract), 'on']);
    await expect(api.app.info()).resolves.toEqual(info);
    expect(calls).toEqual([['app.info', undefined]]);
    expect(() => api.on('nope' as never, () => undefined)).toThrow();
  });
});

describe('dispatcher', () => {
  const ctx: CallContext = { transport: 'ws' };
  const nobody = () => undefined;

  test('a call with wrong argument types is refused with INVALID_ARGUMENT and a message', async () => {
    const dispatch = createDispatcher(handlers(), silentLogger, nobody);
    const r = await dispatch('app.info', { unexpected: 1 }, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('INVALID_ARGUMENT');
    expect(r.error.message).toMatch(/app\.info/);
    expect(Array.isArray(r.error.details)).toBe(true);
  });

  test('unknown and non-string channels are refused', async () => {
    const dispatch = createDispatcher(handlers(), silentLogger, nobody);
    await expect(dispatch('grants.nothing', undefined, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    await expect(dispatch(42, undefined, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  test('a valid call returns the parsed result', async () => {
    const dispatch = createDispatcher(handlers(), silentLogger, nobody);
    await expect(dispatch('app.info', undefined, ctx)).resolves.toEqual({ ok: true, value: info });
  });

  test('a handler returning something off-contract yields INTERNAL, not the bad value', async () => {
    const dispatch = createDispatcher(handlers({ info: () => ({ ...info, mode: 'other' as 'demo' }) }), silentLogger, nobody);
    await expect(dispatch('app.info', undefined, ctx)).resolves.toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
  });

  test('an AppError with a declared code keeps it; an undeclared code and other exceptions become INTERNAL, logged', async () => {
    const lines: string[] = [];
    const log = { info() {}, warn() {}, error: (m: string, ...a: unknown[]) => lines.push(format(m, ...a)) };
    // session.login declares LOGIN_FAILED; app.info declares nothing of its own.
    const declared = createDispatcher({ session: { login: () => { throw new AppError('LOGIN_FAILED', 'wrong'); } } } as unknown as Handlers<CallContext>, log, nobody);
    await expect(declared('session.login', { matricule: 'X', password: 'y' }, ctx)).resolves.toEqual({ ok: false, error: { code: 'LOGIN_FAILED', message: 'wrong' } });
    const undeclared = createDispatcher(handlers({ info: () => { throw new AppError('GRANT_NOT_ACTIVE', 'no such grant'); } }), log, nobody);
    await expect(undeclared('app.info', undefined, ctx)).resolves.toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    expect(lines.join('\n')).toMatch(/app\.info failed with GRANT_NOT_ACTIVE, which its contract does not declare/);
    const dispatchB = createDispatcher(handlers({ info: () => { throw new Error('secret path /etc/x'); } }), log, nobody);
    const r = await dispatchB('app.info', undefined, ctx);
    expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    expect(lines.length).toBe(2);
  });

  test('a method refuses callers its access does not allow, before reading the arguments', async () => {
    const op = { matricule: 'OP1', name: 'Op', role: 'operateur' as const, designated: true, mustChangePassword: false };
    let called = false;
    const h = { registry: { events: () => ((called = true), []) } } as unknown as Handlers<CallContext>;
    await expect(createDispatcher(h, silentLogger, nobody)('registry.events', 'garbage', ctx)).resolves.toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
    await expect(createDispatcher(h, silentLogger, () => op)('registry.events', 'garbage', ctx)).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(called).toBe(false);
    const sup = { ...op, role: 'superviseur' as const };
    await expect(createDispatcher(h, silentLogger, () => sup)('registry.events', {}, ctx)).resolves.toEqual({ ok: true, value: [] });
    expect(called).toBe(true);
  });

  test('every method declares its access and only known codes', () => {
    for (const ch of channels()) {
      const spec = specOf(ch)!;
      const levels = typeof spec.access === 'string' ? [spec.access] : spec.access;
      expect(levels.length).toBeGreaterThan(0);
      for (const l of levels) expect(ACCESS).toContain(l);
      for (const c of spec.errors) expect(ERROR_CODES).toContain(c);
    }
  });

  test('mayCall: a superviseur has the opérateur\'s rights; an administrateur only when designated', () => {
    const as = (role: 'operateur' | 'superviseur' | 'administrateur', designated: boolean) => ({ role, designated });
    expect(mayCall('operator', as('operateur', false))).toBe(true);
    expect(mayCall('operator', as('superviseur', true))).toBe(true);
    expect(mayCall('operator', as('administrateur', false))).toBe(false);
    expect(mayCall('operator', as('administrateur', true))).toBe(true);
    expect(mayCall('supervisor', as('operateur', true))).toBe(false);
    expect(mayCall('supervisor', as('administrateur', true))).toBe(false);
    expect(mayCall('admin', as('superviseur', true))).toBe(false);
    expect(mayCall('public', undefined)).toBe(true);
    expect(mayCall(['supervisor', 'admin'], undefined)).toBe(false);
  });
});
