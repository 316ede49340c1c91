import type { Knex } from 'knex';

/**
 * The journal by time: an incident review, a report period, an evidence extract all ask « what
 * was written between these two instants ». Without this index each asked the whole journal.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX IF NOT EXISTS journal_console_ts ON journal (console_id, ts)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS journal_console_ts');
}
