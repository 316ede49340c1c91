import type { Knex } from 'knex';

/**
 * The CSU's one catalogue (issue G2, several consoles): every published version kept, never
 * edited (number, SHA-256 of its canonical JSON, who, when); and which consoles may publish.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('catalogue_versions', (t) => {
    t.integer('version').primary();
    t.string('sha256', 64).notNullable();
    t.text('body').notNullable();
    t.string('published_by_console').notNullable();
    t.string('published_by_operator', 32).notNullable();
    t.bigInteger('published_at').notNullable();
  });
  await knex.schema.alterTable('consoles', (t) => {
    t.boolean('can_publish_catalogue').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consoles', (t) => t.dropColumn('can_publish_catalogue'));
  await knex.schema.dropTable('catalogue_versions');
}
