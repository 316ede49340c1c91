/** The central registry server's HTTP API (Fastify: JSON-schema validation, body limits, light). */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { MAX_CATALOGUE_FILE_BYTES } from '../db/catalogue-file';
import { verifyCatalogue, verifyHead } from '../db/journal-signature';
import { catalogueSha256, consoleOfToken, latestCatalogue, latestCatalogueHash, matchesEtag, publishCatalogue } from './catalogue';
import { registerKey, signingOf } from './enrolment';
import { useErrorHandler } from './errors';
import { useJsonBody } from './json-body';
import { decodeCursor, PAGE_MAX, registryPage, type RegistryQuery } from './registry-page';
import { ackOf, checkConsole, checkToken, ingest } from './store';

export const MAX_BATCH_ENTRIES = 500;
export const MAX_BATCH_BYTES = 1024 * 1024;
/** The largest date JavaScript can hold (ms): beyond it a number is not a time, it is an attack on the bigint columns. */
const MAX_MS = 8.64e15;

export interface ServerOptions {
  https?: { key: Buffer; cert: Buffer };
  logger?: boolean;
  /** Where the logs go when `logger` is on (stdout by default); tests read them. */
  logStream?: NodeJS.WritableStream;
  /** Largest request body in bytes (default MAX_BATCH_BYTES); smaller in tests of the 413 path. */
  bodyLimit?: number;
}

function bearer(h: string | undefined): string | undefined {
  const m = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(h ?? '');
  return m?.[1];
}

export function buildServer(db: Knex, opts: ServerOptions = {}): FastifyInstance {
  // removeAdditional false: an unexpected field is a malformed request (400), not silently dropped.
  const app = Fastify({ bodyLimit: opts.bodyLimit ?? MAX_BATCH_BYTES, logger: opts.logger ? (opts.logStream ? { stream: opts.logStream } : true) : false, ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array' } }, ...(opts.https ? { https: opts.https } : {}) } as Record<string, unknown>) as unknown as FastifyInstance;

  useJsonBody(app);
  useErrorHandler(app);

  app.get('/healthz', async () => {
    await db.raw('select 1');
    return { ok: true };
  });

  const idParam = { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$' } }, required: ['id'] } as const;

  app.post<{ Params: { id: string }; Body: { entries: unknown[] } }>(
    '/v1/consoles/:id/journal',
    { schema: { params: idParam, body: { type: 'object', properties: { entries: { type: 'array', items: { type: 'object' } } }, required: ['entries'], additionalProperties: false } } },
    async (req, reply) => {
      const signing = await checkConsole(db, req.params.id, bearer(req.headers.authorization));
      if (!signing.ok) return reply.code(signing.status).send({ error: signing.status === 401 ? 'unauthorized' : 'forbidden' });
      if (req.body.entries.length > MAX_BATCH_ENTRIES) return reply.code(413).send({ error: `at most ${MAX_BATCH_ENTRIES} entries per batch` });
      // A signing console's batch must carry its signature of the batch's last entry: the token alone proves nothing.
      const signature = typeof req.headers['x-csu-signature'] === 'string' ? req.headers['x-csu-signature'] : undefined;
      if (signing.signed) {
        if (!signing.publicKey) return reply.code(401).send({ error: 'not enrolled' });
        const head = req.body.entries[req.body.entries.length - 1] as { seq?: unknown; hash?: unknown } | undefined;
        if (!head || typeof head.seq !== 'number' || typeof head.hash !== 'string') return reply.code(400).send({ error: 'invalid request: empty batch or entry without seq/hash' });
        if (!signature || !verifyHead(signing.publicKey, req.params.id, head.seq, head.hash, signature)) return reply.code(401).send({ error: 'bad signature' });
      }
      const r = await ingest(db, req.params.id, req.body.entries, signing.signed ? signature : undefined);
      if (r.status === 200) return { ackSeq: r.ackSeq, ackHash: r.ackHash, stored: r.stored };
      if (r.status === 409) return reply.code(409).send({ error: 'conflict', kind: r.kind, seq: r.seq, expectedSeq: r.expectedSeq, reason: r.reason });
      return reply.code(400).send({ error: r.reason });
    },
  );

  app.post<{ Params: { id: string }; Body: { code: string; publicKey: string } }>(
    '/v1/consoles/:id/key',
    { schema: { params: idParam, body: { type: 'object', properties: { code: { type: 'string', minLength: 8, maxLength: 64 }, publicKey: { type: 'string', minLength: 40, maxLength: 400 } }, required: ['code', 'publicKey'], additionalProperties: false } } },
    async (req, reply) => {
      const auth = await checkToken(db, 'consoles', req.params.id, bearer(req.headers.authorization));
      if (!auth.ok) return reply.code(auth.status).send({ error: auth.status === 401 ? 'unauthorized' : 'forbidden' });
      const r = await registerKey(db, req.params.id, req.body.code, req.body.publicKey, Date.now());
      if (r === 'ok') return { ok: true };
      if (r === 'already_enrolled') return reply.code(409).send({ error: 'conflict', reason: 'a key is already registered; add-console --rotate issues a new code' });
      return reply.code(r === 'bad_key' ? 400 : 401).send({ error: r === 'bad_key' ? 'not an Ed25519 public key' : 'invalid or expired enrolment code' });
    },
  );

  app.get<{ Params: { id: string } }>('/v1/consoles/:id/ack', { schema: { params: idParam } }, async (req, reply) => {
    const auth = await checkToken(db, 'consoles', req.params.id, bearer(req.headers.authorization));
    if (!auth.ok) return reply.code(auth.status).send({ error: auth.status === 401 ? 'unauthorized' : 'forbidden' });
    // With the signing state, so the console's « Tester la connexion » can say « non enrôlé » or
    // « signature invalide » (a public key is no secret) instead of a bare refusal.
    const signing = await signingOf(db, req.params.id);
    return { ...(await ackOf(db, req.params.id)), signing: { required: signing.signed, publicKey: signing.publicKey } };
  });

  app.get<{ Querystring: RegistryQuery }>(
    '/v1/registry',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'integer', minimum: 0, maximum: MAX_MS },
            to: { type: 'integer', minimum: 0, maximum: MAX_MS },
            consoleId: { type: 'string', maxLength: 64 },
            siteId: { type: 'string', maxLength: 100 },
            serviceId: { type: 'string', maxLength: 100 },
            motive: { type: 'string', maxLength: 100 },
            limit: { type: 'integer', minimum: 1, maximum: PAGE_MAX },
            cursor: { type: 'string', maxLength: 400 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const auth = await checkToken(db, 'readers', undefined, bearer(req.headers.authorization));
      if (!auth.ok) return reply.code(401).send({ error: 'unauthorized' });
      const after = req.query.cursor === undefined ? undefined : decodeCursor(req.query.cursor);
      if (req.query.cursor !== undefined && !after) return reply.code(400).send({ error: 'invalid cursor' });
      return registryPage(db, req.query, after);
    },
  );

  // The CSU's catalogue (issue G2). Any console reads it; only a console allowed with
  // `allow-publish` writes a new version (the console's main has already checked that the
  // person publishing is an administrateur; the server records both).
  app.get('/v1/catalogue', async (req, reply) => {
    const who = await consoleOfToken(db, bearer(req.headers.authorization));
    if (!who) return reply.code(401).send({ error: 'unauthorized' });
    reply.header('x-csu-can-publish', who.canPublish ? '1' : '0');
    const hash = await latestCatalogueHash(db);
    if (!hash) return reply.code(404).send({ error: 'no catalogue published yet' });
    reply.header('etag', `"${hash}"`);
    if (matchesEtag(req.headers['if-none-match'], hash)) return reply.code(304).send();
    const latest = await latestCatalogue(db);
    return latest;
  });

  app.put<{ Body: { publishedBy: string; catalogue: Record<string, unknown> } }>(
    '/v1/catalogue',
    {
      bodyLimit: MAX_CATALOGUE_FILE_BYTES + 4096,
      schema: { body: { type: 'object', properties: { publishedBy: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,32}$' }, catalogue: { type: 'object' } }, required: ['publishedBy', 'catalogue'], additionalProperties: false } },
    },
    async (req, reply) => {
      const who = await consoleOfToken(db, bearer(req.headers.authorization));
      if (!who) return reply.code(401).send({ error: 'unauthorized' });
      if (!who.canPublish) return reply.code(403).send({ error: 'forbidden', reason: 'this console may not publish the catalogue (npm run server -- allow-publish <id>)' });
      // A signing console signs what it publishes, as it signs its journal: its token alone publishes nothing.
      const signing = await signingOf(db, who.id);
      if (signing.signed) {
        if (!signing.publicKey) return reply.code(401).send({ error: 'not enrolled' });
        const signature = req.headers['x-csu-signature'];
        if (typeof signature !== 'string' || !verifyCatalogue(signing.publicKey, who.id, req.body.publishedBy, catalogueSha256(req.body.catalogue), signature)) return reply.code(401).send({ error: 'bad signature' });
      }
      const r = await publishCatalogue(db, req.body.catalogue, { console: who.id, operator: req.body.publishedBy }, Date.now());
      if (!r.ok) return reply.code(400).send({ error: 'invalid catalogue', problems: r.problems });
      reply.header('etag', `"${r.latest.sha256}"`);
      return { ...r.latest, unchanged: r.unchanged };
    },
  );

  return app;
}
