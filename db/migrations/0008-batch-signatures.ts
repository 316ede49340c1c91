import type { Knex } from 'knex';

/**
 * The console's signatures of the batches it sent (issue G6): the server keeps them, and so
 * does the console, so that an evidence bundle can carry them to an offline verifier. A
 * signature is made once, at sending, over the batch's last entry: append-only, like the journal.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('journal_signatures', (t) => {
    t.string('console_id').notNullable();
    t.integer('seq').notNullable();
    t.string('hash', 64).notNullable();
    t.string('signature').notNullable();
    t.bigInteger('signed_at').notNullable();
    t.primary(['console_id', 'seq']);
  });
  await knex.raw("CREATE TRIGGER journal_signatures_no_update BEFORE UPDATE ON journal_signatures BEGIN SELECT RAISE(ABORT, 'journal_signatures is append-only'); END");
  await knex.raw("CREATE TRIGGER journal_signatures_no_delete BEFORE DELETE ON journal_signatures BEGIN SELECT RAISE(ABORT, 'journal_signatures is append-only'); END");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('journal_signatures');
}
