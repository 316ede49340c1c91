import { z } from 'zod';
import { buildApi, channels, contract, specOf } from '../../preload/contract';
import { AppError } from '../../main/errors';
import { silentLogger } from '../../main/log';
import { createDispatcher } from '../../main/transport/dispatch';
import type { Handlers } from '../../preload/contract';
import type { CallContext } from '../../main/transport/dispatch';

const info = { name: 'Console CSU', version: '1.2.3', mode: 'demo' as const, consoleId: 'c-1', buildTime: new Date(0).toISOString(), shell: 'headless' as const };

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

  test('a call with wrong argument types is refused with INVALID_ARGUMENT and a message', async () => {
    const dispatch = createDispatcher(handlers(), silentLogger);
    const r = await dispatch('app.info', { unexpected: 1 }, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('INVALID_ARGUMENT');
    expect(r.error.message).toMatch(/app\.info/);
    expect(Array.isArray(r.error.details)).toBe(true);
  });

  test('unknown and non-string channels are refused', async () => {
    const dispatch = createDispatcher(handlers(), silentLogger);
    await expect(dispatch('grants.nothing', undefined, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    await expect(dispatch(42, undefined, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  test('a valid call returns the parsed result', async () => {
    const dispatch = createDispatcher(handlers(), silentLogger);
    await expect(dispatch('app.info', undefined, ctx)).resolves.toEqual({ ok: true, value: info });
  });

  test('a handler returning something off-contract yields INTERNAL, not the bad value', async () => {
    const dispatch = createDispatcher(handlers({ info: () => ({ ...info, mode: 'other' as 'demo' }) }), silentLogger);
    await expect(dispatch('app.info', undefined, ctx)).resolves.toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
  });

  test('AppError keeps its code; other exceptions are hidden behind INTERNAL', async () => {
    const lines: string[] = [];
    const log = { info() {}, warn() {}, error: (m: string) => lines.push(m) };
    const dispatchA = createDispatcher(handlers({ info: () => { throw new AppError('NOT_FOUND', 'no such thing'); } }), log);
    await expect(dispatchA('app.info', undefined, ctx)).resolves.toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'no such thing' } });
    const dispatchB = createDispatcher(handlers({ info: () => { throw new Error('secret path /etc/x'); } }), log);
    const r = await dispatchB('app.info', undefined, ctx);
    expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    expect(lines.length).toBe(1);
  });
});
