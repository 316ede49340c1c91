import type { Knex } from 'knex';

/**
 * Attempts counted beyond a few a minute (refused requests, failed logins), per kind, matricule
 * and minute, until the minute's summary entry is journaled (db/attempts.ts). Kept in the
 * database, not in memory, so a crash loses no count: the next start journals what is left.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('attempt_counts', (t) => {
    t.string('of').notNullable(); // the journal kind counted
    t.string('key').notNullable(); // operator matricule, or the matricule tried
    t.bigInteger('minute_start').notNullable();
    t.integer('seen').notNullable().defaultTo(0);
    t.integer('summarised').notNullable().defaultTo(0);
    t.text('reasons').notNullable().defaultTo('{}'); // JSON { reason: count } of the summarised ones
    t.primary(['of', 'key', 'minute_start']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('attempt_counts');
}
