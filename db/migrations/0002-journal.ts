import type { Knex } from 'knex';

/**
 * The journal: the registry's evidence. Append-only, enforced by triggers; each entry chained
 * to the previous by SHA-256 (db/journal-codec.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('journal', (t) => {
    t.string('console_id').notNullable();
    t.integer('seq').notNullable();
    t.string('uuid').notNullable().unique();
    t.bigInteger('ts').notNullable();
    t.string('kind').notNullable();
    t.string('actor').notNullable();
    t.text('payload').notNullable(); // canonical JSON
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.primary(['console_id', 'seq']);
  });
  await knex.raw(`CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
    BEGIN SELECT RAISE(ABORT, 'journal is append-only: UPDATE refused'); END`);
  await knex.raw(`CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
    BEGIN SELECT RAISE(ABORT, 'journal is append-only: DELETE refused'); END`);
  // What the central server has acknowledged, per console (the mirror's outbox cursor).
  await knex.schema.createTable('mirror_state', (t) => {
    t.string('console_id').primary();
    t.integer('acked_seq').notNullable().defaultTo(0);
    t.string('acked_hash', 64);
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('mirror_state');
  await knex.raw('DROP TRIGGER IF EXISTS journal_no_update');
  await knex.raw('DROP TRIGGER IF EXISTS journal_no_delete');
  await knex.schema.dropTableIfExists('journal');
}
