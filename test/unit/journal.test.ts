import type { Knex } from 'knex';
import { appendEntry, appendEntries, entriesAfter, lastEntry, recentEntries, verifyChain } from '../../db/journal';
import { canonicalEntryBody, canonicalJson, checkEntry, checkParsedEntry, entryHash, GENESIS_HASH } from '../../db/journal-codec';
import { appendGrant, freshDb } from '../helpers/db';

const C = 'poste-test';
const T0 = Date.UTC(2026, 5, 17, 12, 5);

describe('journal codec', () => {
  test('canonical JSON sorts keys at every depth, no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'é' } })).toBe('{"a":{"c":"é","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(() => canonicalJson({ a: NaN })).toThrow();
    expect(() => canonicalJson({ a: () => 1 })).toThrow();
  });

  test('hash = SHA-256(prev_hash + canonical entry without hash)', async () => {
    const { createHash } = await import('node:crypto');
    const base = { seq: 1, uuid: '2b0c6f4e-4a5e-4c9b-9d63-2f1f4a1c8e11', console_id: C, ts: T0, kind: 'session.opened' as const, actor: 'OP101', payload: { matricule: 'OP101' }, prev_hash: GENESIS_HASH };
    const expected = createHash('sha256')
      .update(GENESIS_HASH + '{"actor":"OP101","console_id":"poste-test","kind":"session.opened","payload":{"matricule":"OP101"},"prev_hash":"' + GENESIS_HASH + '","seq":1,"ts":' + T0 + ',"uuid":"2b0c6f4e-4a5e-4c9b-9d63-2f1f4a1c8e11"}')
      .digest('hex');
    expect(entryHash(base)).toBe(expected);
    expect(checkEntry({ ...base, hash: expected }, undefined)).toBeUndefined();
    expect(checkEntry({ ...base, hash: expected }, { seq: 1, hash: expected })).toBe('gap');
    expect(checkEntry({ ...base, hash: expected.replace(/^./, 'f') }, undefined)).toBe('hash');
    expect(checkEntry({ ...base, kind: 'nope', hash: expected }, undefined)).toBe('schema');
  });

  test('the entry body built from a canonical payload is canonicalJson of the entry, odd characters included', () => {
    const odd = { z: 'guillemets « » “quote” \\ \n \t \u0001 \u2028 é 😀', a: [1.5, -0, 1e21, null, true], m: { y: 'x', b: { d: 2, c: 1 } } };
    const base = { seq: 42, uuid: '2b0c6f4e-4a5e-4c9b-9d63-2f1f4a1c8e11', console_id: C, ts: T0, kind: 'session.opened' as const, actor: 'OP "1" é', payload: odd, prev_hash: GENESIS_HASH };
    const { seq, uuid, console_id, ts, kind, actor, payload, prev_hash } = base;
    expect(canonicalEntryBody(base, canonicalJson(odd))).toBe(canonicalJson({ seq, uuid, console_id, ts, kind, actor, payload, prev_hash }));
    expect(entryHash(base, canonicalJson(odd))).toBe(entryHash(base));
    // The given text is what is hashed: a payload text that is not the payload's gives another hash.
    expect(checkParsedEntry({ ...base, payload: { matricule: 'OP101' }, hash: entryHash({ ...base, payload: { matricule: 'OP101' } }) }, { seq: 41, hash: GENESIS_HASH }, '{"matricule":"OP102"}')).toBe('hash');
  });
});

describe('journal on a real SQLite file', () => {
  let env: Awaited<ReturnType<typeof freshDb>>;
  let db: Knex;
  beforeEach(async () => {
    env = await freshDb();
    db = env.db;
  });
  afterEach(() => env.cleanup());

  test('recentEntries: the kinds asked for since a time, oldest first, across pages', async () => {
    const MIN = 60_000;
    // 300 entries a minute apart, alternating kinds.
    await appendEntries(
      db,
      C,
      Array.from({ length: 300 }, (_, i) =>
        i % 2 ? { kind: 'session.opened' as const, actor: 'OP101', ts: T0 + i * MIN, payload: { matricule: 'OP101' } } : { kind: 'session.login_failed' as const, actor: 'system', ts: T0 + i * MIN, payload: { matricule: 'OP101', reason: 'bad_password' as const } },
      ),
    );
    const since = T0 + 250 * MIN;
    const got = await recentEntries(db, C, ['session.login_failed'], since, 7);
    expect(got.map((e) => e.ts)).toEqual(Array.from({ length: 25 }, (_, k) => T0 + (250 + 2 * k) * MIN));
    expect(got.every((e) => e.kind === 'session.login_failed')).toBe(true);
    expect(await recentEntries(db, C, ['session.opened', 'session.login_failed'], T0 + 1000 * MIN)).toEqual([]);
    expect(await recentEntries(db, 'autre-poste', ['session.opened'], 0)).toEqual([]);
  });

  test('seq starts at 1 with the genesis prev_hash and chains without gaps', async () => {
    const a = await appendEntry(db, C, { kind: 'session.opened', actor: 'OP101', ts: T0, payload: { matricule: 'OP101' } });
    const [b, c] = await appendGrant(db, C, T0 + 1000);
    expect(a.seq).toBe(1);
    expect(a.prev_hash).toBe(GENESIS_HASH);
    expect(b!.seq).toBe(2);
    expect(b!.prev_hash).toBe(a.hash);
    expect(c!.prev_hash).toBe(b!.hash);
    expect((await lastEntry(db, C))!.seq).toBe(3);
    expect(await verifyChain(db, C)).toMatchObject({ ok: true, checked: 3 });
    // Another console in the same file has its own sequence.
    const other = await appendEntry(db, 'poste-b', { kind: 'session.opened', actor: 'OP101', ts: T0, payload: { matricule: 'OP101' } });
    expect(other.seq).toBe(1);
    expect((await entriesAfter(db, C, 1, 10)).map((e) => e.seq)).toEqual([2, 3]);
  });

  test('triggers refuse UPDATE and DELETE through knex', async () => {
    await appendGrant(db, C, T0);
    await expect(db('journal').where({ seq: 1 }).update({ actor: 'X' })).rejects.toThrow(/append-only/);
    await expect(db('journal').where({ seq: 1 }).delete()).rejects.toThrow(/append-only/);
    await expect(db('journal').delete()).rejects.toThrow(/append-only/);
    expect(await verifyChain(db, C)).toMatchObject({ ok: true, checked: 2 });
  });

  test.each([
    ['an unknown kind', { kind: 'transmission.hacked', actor: 'OP101', ts: T0, payload: {} }, 'JOURNAL_INVALID_ENTRY'],
    ['a payload failing its schema', { kind: 'transmission.ended', actor: 'OP101', ts: T0, payload: { grantId: 'g', reason: 'bored' } }, 'JOURNAL_INVALID_ENTRY'],
    ['an extra payload field', { kind: 'session.opened', actor: 'OP101', ts: T0, payload: { matricule: 'OP101', extra: 1 } }, 'JOURNAL_INVALID_ENTRY'],
    ['an empty actor', { kind: 'session.opened', actor: '', ts: T0, payload: { matricule: 'OP101' } }, 'JOURNAL_INVALID_ENTRY'],
    ['a payload over 64 KiB', { kind: 'mirror.conflict', actor: 'system', ts: T0, payload: { status: 409, message: 'x'.repeat(70 * 1024) } }, 'JOURNAL_PAYLOAD_TOO_LARGE'],
  ])('%s is refused, nothing written, chain intact', async (_what, input, code) => {
    await appendGrant(db, C, T0);
    await expect(appendEntry(db, C, input as never)).rejects.toMatchObject({ code });
    // A batch with one bad entry writes none of it.
    await expect(appendEntries(db, C, [{ kind: 'session.opened', actor: 'OP101', ts: T0, payload: { matricule: 'OP101' } }, input as never])).rejects.toMatchObject({ code });
    expect(await db('journal').count('* as n')).toEqual([{ n: 2 }]);
    expect(await verifyChain(db, C)).toMatchObject({ ok: true, checked: 2 });
  });

  test('tamper: an altered payload is named by its exact seq', async () => {
    for (let i = 0; i < 20; i++) await appendGrant(db, C, T0 + i * 60000);
    await db.raw('DROP TRIGGER journal_no_update');
    const row = await db('journal').where({ console_id: C, seq: 18 }).first();
    const payload = JSON.parse(row.payload);
    payload.startedAt += 3600000; // pretend the flow started an hour later
    await db('journal').where({ console_id: C, seq: 18 }).update({ payload: canonicalJson(payload) });
    expect(await verifyChain(db, C, 5)).toMatchObject({ ok: false, checked: 17, firstBrokenSeq: 18, reason: 'hash' });
  });

  test('tamper: a re-hashed entry breaks the next link', async () => {
    for (let i = 0; i < 5; i++) await appendGrant(db, C, T0 + i * 60000);
    await db.raw('DROP TRIGGER journal_no_update');
    const row = await db('journal').where({ console_id: C, seq: 4 }).first();
    const e = { ...row, ts: Number(row.ts), payload: JSON.parse(row.payload) };
    e.payload.startedAt += 1;
    const hash = entryHash(e);
    await db('journal').where({ console_id: C, seq: 4 }).update({ payload: canonicalJson(e.payload), hash });
    expect(await verifyChain(db, C)).toMatchObject({ ok: false, firstBrokenSeq: 5, reason: 'prev_hash' });
  });

  test('tamper: a deleted row is reported as a gap', async () => {
    for (let i = 0; i < 10; i++) await appendGrant(db, C, T0 + i * 60000);
    await db.raw('DROP TRIGGER journal_no_delete');
    await db('journal').where({ console_id: C, seq: 8 }).delete();
    expect(await verifyChain(db, C, 3)).toMatchObject({ ok: false, checked: 7, firstBrokenSeq: 8, reason: 'gap' });
  });

  test('incremental: verifying from a verified head checks only what follows, and names a break after it', async () => {
    for (let i = 0; i < 6; i++) await appendGrant(db, C, T0 + i * 60000);
    const first = await verifyChain(db, C);
    expect(first).toMatchObject({ ok: true, checked: 12, head: { seq: 12 } });
    await appendGrant(db, C, T0 + 10 * 60000);
    expect(await verifyChain(db, C, { from: first.head })).toMatchObject({ ok: true, checked: 2, head: { seq: 14 } });
    // A head that is not the stored entry's hash: the next entry does not link to it.
    expect(await verifyChain(db, C, { from: { seq: 12, hash: 'f'.repeat(64) } })).toMatchObject({ ok: false, firstBrokenSeq: 13, reason: 'prev_hash' });
  });

  test('odd characters and non-canonical text: the full check decides, never the fast path alone', async () => {
    await appendEntry(db, C, { kind: 'session.login_failed', actor: 'system', ts: T0, payload: { matricule: 'é\u0001"\\\u2028😀', reason: 'unknown' } });
    await appendGrant(db, C, T0 + 60000);
    expect(await verifyChain(db, C)).toMatchObject({ ok: true, checked: 3 });
    // Same meaning, other bytes (whitespace): the hash over the canonical form still holds.
    await db.raw('DROP TRIGGER journal_no_update');
    const row = await db('journal').where({ console_id: C, seq: 2 }).first();
    await db('journal').where({ console_id: C, seq: 2 }).update({ payload: JSON.stringify(JSON.parse(row.payload), null, 2) });
    expect(await verifyChain(db, C)).toMatchObject({ ok: true, checked: 3 });
  });

  test('deep: a re-hashed entry whose payload breaks its schema is named; the fast pass sees a sound chain', async () => {
    for (let i = 0; i < 2; i++) await appendGrant(db, C, T0 + i * 60000);
    await db.raw('DROP TRIGGER journal_no_update');
    const row = await db('journal').where({ console_id: C, seq: 4 }).first();
    const e = { ...row, ts: Number(row.ts), payload: { grantId: JSON.parse(row.payload).grantId, startedAt: -5 } };
    await db('journal').where({ console_id: C, seq: 4 }).update({ payload: canonicalJson(e.payload), hash: entryHash(e) });
    expect(await verifyChain(db, C)).toMatchObject({ ok: true, checked: 4 });
    expect(await verifyChain(db, C, { deep: true })).toMatchObject({ ok: false, firstBrokenSeq: 4, reason: 'payload' });
  });
});
