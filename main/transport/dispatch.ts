import type { z } from 'zod';
import { specOf, type CsuError, type Handlers } from '../../preload/contract';
import { AppError } from '../errors';
import type { Logger } from '../log';

export interface CallContext {
  transport: 'ipc' | 'ws';
}

function zodDetails(error: z.ZodError): unknown {
  return error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message }));
}

/**
 * The single door every call goes through, whatever the transport: the channel must exist,
 * the arguments must match the contract's schema, and so must the result. A renderer that
 * sends garbage gets a typed error, never a crash.
 */
export function createDispatcher(handlers: Handlers<CallContext>, log: Logger) {
  return async function dispatch(
    channel: unknown,
    rawArgs: unknown,
    ctx: CallContext,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: CsuError }> {
    if (typeof channel !== 'string') {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: 'channel must be a string' } };
    }
    const spec = specOf(channel);
    if (!spec) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown method ${channel.slice(0, 100)}` } };
    }
    const parsed = spec.args.safeParse(rawArgs);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: `invalid arguments for ${channel}`, details: zodDetails(parsed.error) },
      };
    }
    const [ns, m] = channel.split('.') as [string, string];
    const handler = (handlers as unknown as Record<string, Record<string, (a: unknown, c: CallContext) => unknown>>)[ns]?.[m];
    if (!handler) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `no handler for ${channel}` } };
    }
    try {
      const value = await handler(parsed.data, ctx);
      const checked = spec.result.safeParse(value);
      if (!checked.success) {
        log.error('result of %s does not match the contract: %j', channel, zodDetails(checked.error));
        return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
      }
      return { ok: true, value: checked.data };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: err.toWire() };
      log.error('handler %s failed: %s', channel, err instanceof Error ? err.stack : String(err));
      return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
