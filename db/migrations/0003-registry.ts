import type { Knex } from 'knex';
import { rebuildRegistry } from '../registry-projection';

/**
 * The registry view: one row per grant, derived from the journal and kept in the same
 * transaction as each append. Rebuilt from the journal here, so a database that already
 * holds entries gets its rows.
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
  await rebuildRegistry(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('registry');
}
