/**
 * The JSON body parser of every route: refuses nesting deeper than MAX_JSON_DEPTH before parsing
 * (a payload nested 20,000 levels deep once overflowed the stack in the hashing code), and
 * parses with prototype-poisoning protection. The byte limit is Fastify's bodyLimit (413).
 */
import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';

/** A journal entry is at most a few levels deep (entry → payload → cameras → camera); 32 is generous. */
export const MAX_JSON_DEPTH = 32;

/** The deepest nesting of arrays and objects in a JSON text, strings skipped; one pass, no recursion. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

function badRequest(message: string): Error {
  return Object.assign(new Error(message), { statusCode: 400, code: 'BAD_JSON' });
}

export function useJsonBody(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (jsonDepth(text) > MAX_JSON_DEPTH) return done(badRequest(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    try {
      done(null, sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch {
      done(badRequest('malformed JSON'), undefined);
    }
  });
}
