/**
 * One error handler for every route: client mistakes are 4xx with a short English reason, a
 * unique violation is a 409, and anything else is a bare 500. Bodies never carry SQL or a stack;
 * logs carry the error's class and code, never its message (a database error quotes the
 * statement, with the personal data of the entry) nor the request body.
 */
import type { FastifyError, FastifyInstance } from 'fastify';

/** PostgreSQL's unique_violation, SQLite's constraint failure. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** PostgreSQL's numeric/datetime out-of-range classes (22003, 22008), should a bound be missed upstream. */
function isOutOfRange(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '22003' || code === '22008' || code === '22P02';
}

export function useErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isUniqueViolation(err)) return reply.code(409).send({ error: 'conflict', reason: 'an entry with this id is already stored' });
    if (isOutOfRange(err)) return reply.code(400).send({ error: 'number out of range' });
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own messages (validation paths, body too large, bad JSON) name no data.
      const error = err.validation ? `invalid request: ${err.message}`.slice(0, 300) : status === 413 ? 'request body too large' : (err.message ?? 'bad request').slice(0, 200);
      return reply.code(status).send({ error });
    }
    req.log.error({ errClass: err.name, code: err.code, route: req.routeOptions.url }, 'request failed');
    return reply.code(500).send({ error: 'internal error' });
  });
}
