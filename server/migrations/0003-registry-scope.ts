import type { Knex } from 'knex';

/**
 * A grant is identified by its console and its id: two consoles may (by accident or malice) use
 * the same grant id, and neither may then touch the other's row. Also the index the paged
 * registry walks (starts_at, console_id, grant_id).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('registry', (t) => {
    t.dropPrimary();
  });
  await knex.schema.alterTable('registry', (t) => {
    t.primary(['console_id', 'grant_id']);
    t.index(['starts_at', 'console_id', 'grant_id'], 'registry_page');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('registry', (t) => {
    t.dropIndex(['starts_at', 'console_id', 'grant_id'], 'registry_page');
    t.dropPrimary();
  });
  await knex.schema.alterTable('registry', (t) => t.primary(['grant_id']));
}
