import type { Knex } from 'knex';

/** The registry view counts a console's outages during a grant (transmission.interrupted), as the console's own view does. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('registry', (t) => {
    t.bigInteger('interrupted_ms').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('registry', (t) => t.dropColumn('interrupted_ms'));
}
