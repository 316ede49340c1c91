import type { Knex } from 'knex';

/**
 * The registry view gets the journal's protection where a view can have it: no DELETE, and no
 * UPDATE except the one a grant's life needs (its end written once, its interruptions added
 * while it is open). A rebuild from the journal opens the guard inside its own transaction
 * (db/registry-check.ts). Someone with the file can still drop these triggers: the start-up
 * check against the journal (main/integrity.ts) catches what they then change.
 * Also the time a grant was interrupted by a console outage (transmission.interrupted).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('registry', (t) => {
    t.bigInteger('interrupted_ms').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('registry_guard', (t) => {
    t.integer('id').primary();
    t.integer('rebuilding').notNullable().defaultTo(0);
  });
  await knex('registry_guard').insert({ id: 1, rebuilding: 0 });
  const open = `(SELECT rebuilding FROM registry_guard WHERE id = 1) IS NOT 1`;
  await knex.raw(`CREATE TRIGGER registry_no_delete BEFORE DELETE ON registry WHEN ${open}
    BEGIN SELECT RAISE(ABORT, 'registry is derived from the journal: DELETE refused'); END`);
  const same = ['grant_id', 'console_id', 'requested_at', 'starts_at', 'ends_at', 'granted_min', 'site_id', 'site_name', 'service_id', 'service_name', 'motive', 'justification', 'cameras', 'operator_matricule', 'operator_name', 'accepted_seq']
    .map((c) => `NEW.${c} IS OLD.${c}`)
    .join(' AND ');
  await knex.raw(`CREATE TRIGGER registry_no_update BEFORE UPDATE ON registry
    WHEN ${open} AND NOT (OLD.ended_at IS NULL AND ${same} AND NEW.interrupted_ms >= OLD.interrupted_ms)
    BEGIN SELECT RAISE(ABORT, 'registry is derived from the journal: only an open grant may end or add an interruption'); END`);
  await knex.raw(`CREATE TRIGGER registry_guard_no_delete BEFORE DELETE ON registry_guard
    BEGIN SELECT RAISE(ABORT, 'registry guard row is permanent'); END`);
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['registry_no_delete', 'registry_no_update', 'registry_guard_no_delete']) await knex.raw(`DROP TRIGGER IF EXISTS ${t}`);
  await knex.schema.dropTableIfExists('registry_guard');
  await knex.schema.alterTable('registry', (t) => t.dropColumn('interrupted_ms'));
}
