/**
 * Keeps the `registry` table (one row per grant) in step with the journal. Runs inside the
 * append's transaction, so the view can never disagree with the evidence; and it can always be
 * rebuilt from the journal alone.
 */
import type { Knex } from 'knex';
import type { JournalEntry } from './journal-codec';
import type { PayloadOf } from './journal-kinds';

/** A grant's registry row as its acceptance makes it (the console's and the central server's projections alike). */
export function acceptedRow(entry: JournalEntry) {
  const p = entry.payload as PayloadOf<'request.accepted'>;
  return {
    grant_id: p.grantId,
    console_id: entry.console_id,
    requested_at: entry.ts,
    starts_at: p.startsAt,
    ends_at: p.endsAt,
    granted_min: p.durationMin,
    site_id: p.siteId,
    site_name: p.siteName,
    service_id: p.serviceId,
    service_name: p.serviceName,
    motive: p.motive,
    justification: p.justification,
    cameras: JSON.stringify(p.cameras),
    operator_matricule: p.operator.matricule,
    operator_name: p.operator.name,
    accepted_seq: entry.seq,
  };
}

export async function applyToRegistry(trx: Knex, entry: JournalEntry): Promise<void> {
  if (entry.kind === 'request.accepted') {
    await trx('registry').insert(acceptedRow(entry));
  } else if (entry.kind === 'transmission.interrupted') {
    const p = entry.payload as PayloadOf<'transmission.interrupted'>;
    // Only an open grant is interrupted; the effective duration subtracts it.
    await trx('registry')
      .where({ grant_id: p.grantId, console_id: entry.console_id })
      .whereNull('ended_at')
      .increment('interrupted_ms', Math.max(0, p.to - p.from));
  } else if (entry.kind === 'transmission.ended') {
    const p = entry.payload as PayloadOf<'transmission.ended'>;
    // The first end wins: a grant ends once. Scoped by console: on the central server, a console
    // can only ever end its own grants, whatever grant id its entry names.
    await trx('registry').where({ grant_id: p.grantId, console_id: entry.console_id }).whereNull('ended_at').update({ ended_at: p.endedAt, end_reason: p.reason, ended_seq: entry.seq });
  }
}

export async function rebuildRegistry(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx('registry').delete();
    let after = 0;
    for (;;) {
      // rowid is insertion order across consoles; seq restarts per console.
      const rows = await trx('journal')
        .select('rowid as rid', '*')
        .whereIn('kind', ['request.accepted', 'transmission.ended'])
        .andWhere('rowid', '>', after)
        .orderBy('rowid')
        .limit(2000);
      if (rows.length === 0) break;
      for (const { rid, ...r } of rows) {
        await applyToRegistry(trx, { ...r, ts: Number(r.ts), payload: JSON.parse(r.payload) });
        after = rid;
      }
    }
  });
}
