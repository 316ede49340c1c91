import type { Knex } from 'knex';

/**
 * Signed entries: a console's Ed25519 public key, registered once with a one-time enrolment code
 * (only its SHA-256 stored); `signed` consoles must sign every batch. The signature of a batch is
 * kept on its last entry.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consoles', (t) => {
    t.text('public_key');
    t.string('enrolment_sha256', 64);
    t.bigInteger('enrolment_expires_at');
    t.boolean('signed').notNullable().defaultTo(false);
  });
  await knex.schema.alterTable('journal', (t) => {
    t.string('signature', 100);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('journal', (t) => t.dropColumn('signature'));
  await knex.schema.alterTable('consoles', (t) => {
    for (const c of ['public_key', 'enrolment_sha256', 'enrolment_expires_at', 'signed']) t.dropColumn(c);
  });
}
