import type { Knex } from 'knex';

/**
 * The registry view: one row per grant, derived from the journal and kept in the same
 * transaction as each append. Rebuilt from the journal here, so a database that already
 * holds entries gets its rows.
 *
 * Self-contained (STYLE.md: a landed migration never changes): the projection below is a frozen
 * copy of db/registry-projection.ts as it was when 0003 landed, with the payload shapes of that
 * day. The live projection may grow; this one must keep producing 0003's rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('registry', (t) => {
    t.string('grant_id').primary();
    t.string('console_id').notNullable();
    t.bigInteger('requested_at').notNullable();
    t.bigInteger('starts_at').notNullable();
    t.bigInteger('ends_at').notNullable(); // scheduled end
    t.integer('granted_min').notNullable();
    t.string('site_id').notNullable();
    t.string('site_name').notNullable();
    t.string('service_id').notNullable();
    t.string('service_name').notNullable();
    t.string('motive').notNullable();
    t.text('justification').notNullable();
    t.text('cameras').notNullable(); // JSON [{ id, label, zone }]
    t.string('operator_matricule').notNullable();
    t.string('operator_name').notNullable();
    t.bigInteger('ended_at');
    t.string('end_reason');
    t.integer('accepted_seq').notNullable();
    t.integer('ended_seq');
    t.index(['starts_at']);
  });
  await rebuildRegistry0003(knex);
}

interface AcceptedPayload0003 {
  grantId: string;
  startsAt: number;
  endsAt: number;
  durationMin: number;
  siteId: string;
  siteName: string;
  serviceId: string;
  serviceName: string;
  motive: string;
  justification: string;
  cameras: unknown[];
  operator: { matricule: string; name: string };
}
interface EndedPayload0003 {
  grantId: string;
  endedAt: number;
  reason: string;
}
interface JournalRow0003 {
  rid: number;
  console_id: string;
  seq: number;
  ts: number | string;
  kind: string;
  payload: string;
}

async function rebuildRegistry0003(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx('registry').delete();
    let after = 0;
    for (;;) {
      // rowid is insertion order across consoles; seq restarts per console.
      const rows: JournalRow0003[] = await trx('journal')
        .select('rowid as rid', 'console_id', 'seq', 'ts', 'kind', 'payload')
        .whereIn('kind', ['request.accepted', 'transmission.ended'])
        .andWhere('rowid', '>', after)
        .orderBy('rowid')
        .limit(2000);
      if (rows.length === 0) break;
      for (const r of rows) {
        if (r.kind === 'request.accepted') {
          const p = JSON.parse(r.payload) as AcceptedPayload0003;
          await trx('registry').insert({
            grant_id: p.grantId,
            console_id: r.console_id,
            requested_at: Number(r.ts),
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
            accepted_seq: r.seq,
          });
        } else {
          const p = JSON.parse(r.payload) as EndedPayload0003;
          // The first end wins: a grant ends once.
          await trx('registry').where({ grant_id: p.grantId }).whereNull('ended_at').update({ ended_at: p.endedAt, end_reason: p.reason, ended_seq: r.seq });
        }
        after = r.rid;
      }
    }
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('registry');
}
