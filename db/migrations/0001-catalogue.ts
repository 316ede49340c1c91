import type { Knex } from 'knex';

/** Catalogue: landlords, sites, receiving services, conventions, cameras, operators. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bailleurs', (t) => {
    t.string('id').primary();
    t.string('name').notNullable();
  });
  await knex.schema.createTable('sites', (t) => {
    t.string('id').primary();
    t.string('name').notNullable();
    t.string('bailleur_id').notNullable().references('bailleurs.id');
    t.text('addresses').notNullable(); // JSON array of strings
    t.string('town').notNullable();
    t.integer('homes').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
  });
  await knex.schema.createTable('services', (t) => {
    t.string('id').primary();
    t.string('name').notNullable();
    t.string('kind').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
  });
  await knex.schema.createTable('conventions', (t) => {
    t.string('id').primary();
    t.string('site_id').notNullable().references('sites.id');
    t.text('parties').notNullable(); // JSON array: landlord, municipality, préfecture
    t.string('valid_from').notNullable(); // YYYY-MM-DD, inclusive, Europe/Paris
    t.string('valid_to').notNullable(); // YYYY-MM-DD, inclusive
    t.text('motives').notNullable(); // JSON array of motive codes
    t.integer('min_duration_min').notNullable().defaultTo(120);
    t.integer('max_duration_min').notNullable().defaultTo(720);
  });
  await knex.raw(`CREATE TRIGGER conventions_durations_insert BEFORE INSERT ON conventions
    WHEN NEW.min_duration_min < 120 OR NEW.max_duration_min > 720 OR NEW.min_duration_min > NEW.max_duration_min
    BEGIN SELECT RAISE(ABORT, 'convention durations must lie within 120..720 minutes'); END`);
  await knex.schema.createTable('convention_services', (t) => {
    t.string('convention_id').notNullable().references('conventions.id');
    t.string('service_id').notNullable().references('services.id');
    t.primary(['convention_id', 'service_id']);
  });
  await knex.schema.createTable('cameras', (t) => {
    t.string('id').primary();
    t.string('site_id').notNullable().references('sites.id');
    t.string('label').notNullable();
    t.string('zone').notNullable();
    t.text('source_url').notNullable();
    t.text('sub_stream_url');
    t.boolean('active').notNullable().defaultTo(true);
  });
  await knex.raw(`CREATE TRIGGER cameras_zone_insert BEFORE INSERT ON cameras
    WHEN NEW.zone NOT IN ('hall', 'parking', 'sous_sol', 'parties_communes')
    BEGIN SELECT RAISE(ABORT, 'unknown camera zone'); END`);
  await knex.schema.createTable('operators', (t) => {
    t.string('matricule').primary();
    t.string('name').notNullable();
    t.string('role').notNullable();
    t.boolean('designated').notNullable().defaultTo(false);
    t.boolean('active').notNullable().defaultTo(true);
    t.text('password_hash').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['operators', 'cameras', 'convention_services', 'conventions', 'services', 'sites', 'bailleurs']) {
    await knex.schema.dropTableIfExists(t);
  }
}
