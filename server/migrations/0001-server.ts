import type { Knex } from 'knex';

/** Consoles and readers (token hashes only), every console's journal as received, the registry view. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('consoles', (t) => {
    t.string('id').primary();
    t.string('token_sha256', 64).notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await knex.schema.createTable('readers', (t) => {
    t.string('id').primary();
    t.string('token_sha256', 64).notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await knex.schema.createTable('journal', (t) => {
    t.string('console_id').notNullable();
    t.integer('seq').notNullable();
    t.string('uuid').notNullable().unique();
    t.bigInteger('ts').notNullable();
    t.string('kind').notNullable();
    t.string('actor').notNullable();
    t.text('payload').notNullable();
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.bigInteger('received_at').notNullable();
    t.primary(['console_id', 'seq']);
  });
  await knex.schema.createTable('registry', (t) => {
    t.string('grant_id').primary();
    t.string('console_id').notNullable();
    t.bigInteger('requested_at').notNullable();
    t.bigInteger('starts_at').notNullable();
    t.bigInteger('ends_at').notNullable();
    t.integer('granted_min').notNullable();
    t.string('site_id').notNullable();
    t.string('site_name').notNullable();
    t.string('service_id').notNullable();
    t.string('service_name').notNullable();
    t.string('motive').notNullable();
    t.text('justification').notNullable();
    t.text('cameras').notNullable();
    t.string('operator_matricule').notNullable();
    t.string('operator_name').notNullable();
    t.bigInteger('ended_at');
    t.string('end_reason');
    t.integer('accepted_seq').notNullable();
    t.integer('ended_seq');
    t.index(['starts_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['registry', 'journal', 'readers', 'consoles']) await knex.schema.dropTableIfExists(t);
}
