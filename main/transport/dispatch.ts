import type { z } from 'zod';
import { errorsOf, mayCall, specOf, type CsuError, type Handlers, type OperatorView } from '../../preload/contract';
import { AppError } from '../errors';
import type { Logger } from '../log';
import type { PageScope } from './page-scope';

export interface CallContext {
  transport: 'ipc' | 'ws';
  /** The operator logged in on this console when the call arrived; absent when nobody is. */
  operator?: OperatorView | undefined;
  /** The page that called: what it is handed (stream tokens) ends with it. */
  page?: PageScope;
}

function zodDetails(error: z.ZodError): unknown {
  return error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message }));
}

type DispatchResult = { ok: true; value: unknown } | { ok: false; error: CsuError };

/**
 * The single door every call goes through, whatever the transport. In order: the channel must
 * exist; the caller must be allowed by the method's declared access (before the arguments are
 * even read: a caller who may not call a method learns nothing of its schema); the arguments
 * and the result must match the contract; a failure must carry a code the method declares,
 * any other becomes INTERNAL and is logged. A renderer that sends garbage gets a typed error,
 * never a crash. Handlers never check the session themselves.
 */
export function createDispatcher(handlers: Handlers<CallContext>, log: Logger, whoIsLoggedIn: () => OperatorView | undefined) {
  return async function dispatch(channel: unknown, rawArgs: unknown, transportCtx: Omit<CallContext, 'operator'>): Promise<DispatchResult> {
    if (typeof channel !== 'string') {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: 'channel must be a string' } };
    }
    const spec = specOf(channel);
    if (!spec) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown method ${channel.slice(0, 100)}` } };
    }
    const operator = whoIsLoggedIn();
    if (!mayCall(spec.access, operator)) {
      if (!operator) return { ok: false, error: { code: 'NOT_LOGGED_IN', message: `${channel} needs a logged-in operator` } };
      log.warn('%s refused to %s (%s%s)', channel, operator.matricule, operator.role, operator.designated ? ', designated' : '');
      return { ok: false, error: { code: 'FORBIDDEN', message: `${channel} is not allowed to role ${operator.role}` } };
    }
    // A temporary password is changed before anything else is done with the account.
    if (operator?.mustChangePassword && spec.access !== 'public' && !spec.beforePasswordChange) {
      return { ok: false, error: { code: 'PASSWORD_CHANGE_REQUIRED', message: `${channel} waits until the temporary password is changed` } };
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
      const value = await handler(parsed.data, { ...transportCtx, operator });
      const checked = spec.result.safeParse(value);
      if (!checked.success) {
        log.error('result of %s does not match the contract: %j', channel, zodDetails(checked.error));
        return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
      }
      return { ok: true, value: checked.data };
    } catch (err) {
      if (err instanceof AppError) {
        if (errorsOf(spec).includes(err.code)) return { ok: false, error: err.toWire() };
        log.error('%s failed with %s, which its contract does not declare: %s', channel, err.code, err.message);
        return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
      }
      log.error('handler %s failed: %s', channel, err instanceof Error ? err.stack : String(err));
      return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
