import type { ColumnType, Generated, Kysely } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<Record<string, unknown>, string | undefined, string>;

/** Roles a rescue's people can hold, from most to least trusted. */
export type StaffRole = 'admin' | 'staff' | 'foster' | 'viewer';

/** A `date` column: drivers return a Date, so dog queries select these through to_char as YYYY-MM-DD. */
type DateColumn = ColumnType<Date, string, string>;
type NullableDateColumn = ColumnType<Date | null, string | null | undefined, string | null>;
type Tristate = 'yes' | 'no' | 'unknown';

/** Where a dog is in its time at the rescue. */
export type DogStatus = 'intake' | 'medical_hold' | 'in_foster' | 'available' | 'adoption_pending' | 'adopted' | 'returned' | 'transferred_out' | 'deceased';

/** Where a dog photo is in review: only approved photos are public. */
export type PhotoStatus = 'pending' | 'approved' | 'rejected';

/** Vaccines the medical record names; 'other' carries its name in the label. */
export type VaccinationType = 'rabies' | 'dhpp' | 'leptospirosis' | 'bordetella' | 'other';
/** A one-off treatment or an ongoing medication. */
export type TreatmentKind = 'treatment' | 'medication';

/** Tables shared by both database kinds. */
export interface CommonTables {
  login_attempts: { id: Generated<string>; account_key: string; address_key: string; succeeded: boolean; at: Timestamp };
  audit_log: {
    id: Generated<string>;
    at: Timestamp;
    actor_type: string;
    actor_id: string | null;
    action: string;
    target_type: string | null;
    target_id: string | null;
    detail: Json;
  };
  jobs: {
    id: Generated<string>;
    name: string;
    payload: Json;
    status: ColumnType<'queued' | 'running' | 'succeeded' | 'failed', string | undefined, string>;
    attempts: Generated<number>;
    max_attempts: Generated<number>;
    run_at: Timestamp;
    locked_at: NullableTimestamp;
    locked_by: string | null;
    last_error: string | null;
    idempotency_key: string | null;
    created_at: Timestamp;
    finished_at: NullableTimestamp;
  };
  job_schedules: { name: string; cron: string; next_run_at: Timestamp };
}

/** The control-plane database. */
export interface ControlSchema extends CommonTables {
  tenants: {
    slug: string;
    name: string;
    status: ColumnType<'active' | 'disabled', string | undefined, string>;
    db_kind: 'embedded' | 'postgres';
    db_url: string | null;
    created_at: Timestamp;
    disabled_at: NullableTimestamp;
  };
  tenant_hostnames: { hostname: string; tenant_slug: string };
  operators: {
    id: Generated<string>;
    username: string;
    password_hash: string;
    status: ColumnType<'active' | 'disabled', string | undefined, string>;
    created_at: Timestamp;
  };
  operator_sessions: { token_hash: string; operator_id: string; created_at: Timestamp; last_seen_at: Timestamp };
  maintenance_windows: {
    id: Generated<string>;
    starts_at: Timestamp;
    ends_at: Timestamp;
    message: string;
    created_by: string | null;
    created_at: Timestamp;
    cancelled_at: NullableTimestamp;
  };
  audit_log: CommonTables['audit_log'] & { tenant_slug: string | null };
}

/** One rescue's database. */
export interface TenantSchema extends CommonTables {
  rescue_settings: { id: Generated<boolean>; name: string; tagline: Generated<string>; updated_at: Timestamp };
  staff: {
    id: Generated<string>;
    email_enc: string;
    email_hash: string;
    name_enc: string;
    role: StaffRole;
    password_hash: string;
    status: ColumnType<'active' | 'disabled', string | undefined, string>;
    created_at: Timestamp;
    password_changed_at: Timestamp;
  };
  sessions: { token_hash: string; staff_id: string; created_at: Timestamp; last_seen_at: Timestamp };
  invitations: {
    id: Generated<string>;
    token_hash: string;
    email_enc: string;
    email_hash: string;
    role: StaffRole;
    invited_by: string | null;
    created_at: Timestamp;
    expires_at: Timestamp;
    accepted_at: NullableTimestamp;
    revoked_at: NullableTimestamp;
  };
  dogs: {
    id: Generated<string>;
    name: string;
    sex: Generated<'male' | 'female' | 'unknown'>;
    birth_date: NullableDateColumn;
    birth_date_estimated: Generated<boolean>;
    breeds: ColumnType<string[], string[] | undefined, string[]>;
    size: 'small' | 'medium' | 'large' | 'xl';
    colour: Generated<string>;
    microchip: string | null;
    spay_neuter: Generated<'yes' | 'no' | 'unknown' | 'scheduled'>;
    intake_date: DateColumn;
    intake_type: 'stray' | 'owner_surrender' | 'transfer' | 'born_in_care' | 'return';
    source: Generated<string>;
    location: Generated<string>;
    foster_id: string | null;
    good_with_dogs: Generated<Tristate>;
    good_with_cats: Generated<Tristate>;
    good_with_children: Generated<Tristate>;
    energy: 'low' | 'medium' | 'high' | null;
    special_needs: Generated<string>;
    adoption_fee_cents: number | null;
    public_description: Generated<string>;
    on_hold: Generated<boolean>;
    hold_reason: Generated<string>;
    bonded_with: string | null;
    status: ColumnType<DogStatus, DogStatus | undefined, DogStatus>;
    status_changed_at: Timestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  dog_status_history: {
    id: Generated<string>;
    dog_id: string;
    from_status: DogStatus | null;
    to_status: DogStatus;
    reason: Generated<string>;
    changed_by: string | null;
    changed_at: Timestamp;
  };
  dog_photos: {
    id: Generated<string>;
    dog_id: string;
    /** The original's blob key; originals are never served (they keep EXIF, GPS included). */
    sha256: string;
    /** Blob key of each derived variant by "<size>.<ext>" (thumbnail.webp, medium.jpg, …). */
    variants: ColumnType<Record<string, string>, string, string>;
    width: number;
    height: number;
    alt_text: Generated<string>;
    status: ColumnType<PhotoStatus, PhotoStatus | undefined, PhotoStatus>;
    is_primary: Generated<boolean>;
    position: Generated<number>;
    uploaded_by: string | null;
    approved_by: string | null;
    created_at: Timestamp;
  };
  dog_weights: {
    id: Generated<string>;
    dog_id: string;
    /** numeric(6,2): drivers return text, so queries select it as float8. */
    kg: ColumnType<string, number, number>;
    weighed_on: DateColumn;
    recorded_by: string | null;
    recorded_at: Timestamp;
  };
  /** A dog's stay with a foster home (fosters feature); ended_on is null while it lasts. */
  foster_assignments: {
    id: Generated<string>;
    dog_id: string;
    foster_id: string;
    started_on: DateColumn;
    ended_on: NullableDateColumn;
    assigned_by: string | null;
    ended_by: string | null;
    created_at: Timestamp;
    ended_at: NullableTimestamp;
  };
  /** A plain-text note on a dog's timeline (fosters feature). */
  dog_notes: { id: Generated<string>; dog_id: string; author_id: string | null; body: string; created_at: Timestamp };
  vaccinations: {
    id: Generated<string>;
    dog_id: string;
    type: VaccinationType;
    label: Generated<string>;
    given_on: DateColumn;
    due_on: NullableDateColumn;
    given_by: Generated<string>;
    notes: Generated<string>;
    created_by: string | null;
    created_at: Timestamp;
  };
  treatments: {
    id: Generated<string>;
    dog_id: string;
    kind: TreatmentKind;
    name: string;
    dose: Generated<string>;
    schedule: Generated<string>;
    starts_on: DateColumn;
    ends_on: NullableDateColumn;
    next_due_on: NullableDateColumn;
    notes: Generated<string>;
    created_by: string | null;
    created_at: Timestamp;
  };
  vet_visits: {
    id: Generated<string>;
    dog_id: string;
    clinic: string;
    visit_on: DateColumn;
    reason: string;
    outcome: Generated<string>;
    created_by: string | null;
    created_at: Timestamp;
  };
}

/** A query builder over either database; both hold the common tables. */
export type EitherKysely = Kysely<TenantSchema> | Kysely<ControlSchema> | Kysely<CommonTables>;

/** Views either database as its common tables (Kysely's types are invariant in the schema). */
export function commonTables(db: EitherKysely): Kysely<CommonTables> {
  return db as unknown as Kysely<CommonTables>;
}
