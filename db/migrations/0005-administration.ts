import type { Knex } from 'knex';

/**
 * What the administrateur provisions beyond the demo (issue G2): an operator's temporary password
 * and designation (since when, by which decision); a convention's signature date and whether it
 * allows recording (with its retention, at most 30 days, CSI L252-5); a camera's user name (its
 * password lives in the secret store, never here); landlords that can be deactivated; and the
 * catalogue's version, which every change raises.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('operators', (t) => {
    t.boolean('must_change_password').notNullable().defaultTo(false);
    t.string('designated_since');
    t.string('designation_ref');
  });
  await knex.schema.alterTable('conventions', (t) => {
    t.string('signed_on');
    t.boolean('recording_allowed').notNullable().defaultTo(false);
    t.integer('retention_days');
  });
  await knex.raw(`CREATE TRIGGER conventions_retention_insert BEFORE INSERT ON conventions
    WHEN NEW.retention_days IS NOT NULL AND (NEW.retention_days < 1 OR NEW.retention_days > 30)
    BEGIN SELECT RAISE(ABORT, 'recording retention must lie within 1..30 days'); END`);
  await knex.raw(`CREATE TRIGGER conventions_retention_update BEFORE UPDATE ON conventions
    WHEN NEW.retention_days IS NOT NULL AND (NEW.retention_days < 1 OR NEW.retention_days > 30)
    BEGIN SELECT RAISE(ABORT, 'recording retention must lie within 1..30 days'); END`);
  await knex.schema.alterTable('cameras', (t) => {
    t.string('username');
  });
  await knex.schema.alterTable('bailleurs', (t) => {
    t.boolean('active').notNullable().defaultTo(true);
  });
  await knex.schema.createTable('catalogue_meta', (t) => {
    t.string('key').primary();
    t.text('value').notNullable();
  });
  await knex('catalogue_meta').insert({ key: 'version', value: '1' });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('catalogue_meta');
  await knex.raw('DROP TRIGGER IF EXISTS conventions_retention_insert');
  await knex.raw('DROP TRIGGER IF EXISTS conventions_retention_update');
  for (const [table, cols] of [['operators', ['must_change_password', 'designated_since', 'designation_ref']], ['conventions', ['signed_on', 'recording_allowed', 'retention_days']], ['cameras', ['username']], ['bailleurs', ['active']]] as const) {
    await knex.schema.alterTable(table, (t) => {
      for (const c of cols) t.dropColumn(c);
    });
  }
}
