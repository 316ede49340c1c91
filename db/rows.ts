/**
 * Rows as the database hands them back, before db/ turns them into the catalogue's and the
 * registry's types. SQLite gives booleans as 0/1; PostgreSQL gives bigint columns as strings
 * (the server's registry), hence the unions. JSON columns are text.
 */
export type DbBoolean = boolean | 0 | 1;
export type DbBigInt = number | string;

export interface SiteRow {
  id: string;
  name: string;
  bailleur_id: string;
  /** JSON array of strings. */
  addresses: string;
  town: string;
  homes: number;
  active: DbBoolean;
}
export interface SiteWithBailleurRow extends SiteRow {
  bailleur_name: string;
}

export interface CameraRow {
  id: string;
  site_id: string;
  label: string;
  zone: string;
  source_url: string;
  sub_stream_url: string | null;
  username?: string | null;
  active: DbBoolean;
}

export interface BailleurRow {
  id: string;
  name: string;
  active?: DbBoolean;
}

export interface ServiceRow {
  id: string;
  name: string;
  kind: string;
  active: DbBoolean;
}

export interface ConventionRow {
  id: string;
  site_id: string;
  /** JSON array: landlord, municipality, préfecture. */
  parties: string;
  valid_from: string;
  valid_to: string;
  /** JSON array of motive codes. */
  motives: string;
  min_duration_min: number;
  max_duration_min: number;
  signed_on?: string | null;
  recording_allowed?: DbBoolean;
  retention_days?: number | null;
}

export interface ConventionServiceRow {
  convention_id: string;
  service_id: string;
}

export interface OperatorRow {
  matricule: string;
  name: string;
  role: string;
  designated: DbBoolean;
  active: DbBoolean;
  password_hash: string;
  must_change_password?: DbBoolean;
  designated_since?: string | null;
  designation_ref?: string | null;
}

/** One grant of the registry view (console's SQLite and the central server's database alike). */
export interface RegistryDbRow {
  grant_id: string;
  console_id: string;
  requested_at: DbBigInt;
  starts_at: DbBigInt;
  ends_at: DbBigInt;
  granted_min: number;
  site_id: string;
  site_name: string;
  service_id: string;
  service_name: string;
  motive: string;
  justification: string;
  /** JSON [{ id, label, zone }]. */
  cameras: string;
  operator_matricule: string;
  operator_name: string;
  ended_at: DbBigInt | null;
  end_reason: string | null;
  accepted_seq: number;
  ended_seq: number | null;
  /** Time a console outage took from the grant (transmission.interrupted), migration 0004. */
  interrupted_ms: DbBigInt;
}
