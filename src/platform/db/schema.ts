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

/** Where a dog is in its time at the rescue (its adoption status; where it lives is `Whereabouts`). */
export type DogStatus = 'intake' | 'medical_hold' | 'available' | 'adoption_pending' | 'adopted' | 'returned' | 'transferred_out' | 'deceased';
/** A status the history may hold: today's, and 'in_foster', which migration 0013 retired. */
export type HistoryStatus = DogStatus | 'in_foster';
/** Where a dog is now (0013); 'foster' exactly while it has an open foster placement. */
export type Whereabouts = 'rescue' | 'foster' | 'boarding' | 'vet';

/** What an AI draft is about. */
export type AiSubjectKind = 'dog' | 'photo' | 'application' | 'document';
/** An AI draft's review state. */
export type AiDraftStatus = 'draft' | 'approved' | 'edited' | 'discarded';
/**
 * Why the simpler path made a draft. `refused`: the model server turned the request down (a 4xx,
 * e.g. a record longer than the model's context); `unreadable`: a document had no text to run on.
 */
export type AiFallbackReason = 'off' | 'unreachable' | 'deadline' | 'invalid' | 'breakers_open' | 'refused' | 'unreadable';
/** Where a dog photo is in review: only approved photos are public. */
export type PhotoStatus = 'pending' | 'approved' | 'rejected';

/** Vaccines the medical record names; 'other' carries its name in the label. */
export type VaccinationType = 'rabies' | 'dhpp' | 'leptospirosis' | 'bordetella' | 'other';
/** A one-off treatment or an ongoing medication. */
export type TreatmentKind = 'treatment' | 'medication';
/** The unit of a treatment's repeat interval (0010). */
export type RepeatUnit = 'day' | 'week' | 'month' | 'year';

/** Roles a contact record can hold (people feature). */
export type ContactRole = 'adopter' | 'applicant' | 'foster' | 'vet';
/** How an adoption fee was paid (0017). */
export type FeeMethod = 'cash' | 'cheque' | 'card_in_person' | 'online' | 'waived';

/** Where an adoption application is; 'closed' = another applicant adopted the dog. */
export type ApplicationStatus = 'new' | 'in_review' | 'interview_scheduled' | 'approved' | 'denied' | 'withdrawn' | 'closed' | 'completed';
/** The kinds of application question a rescue can ask. */
export type QuestionKind = 'text' | 'choice' | 'yes_no';

/** What an in-app notification is about (notifications feature). */
export type NotificationKindColumn = 'application.new' | 'foster.note' | 'vaccination.due' | 'maintenance.announced' | 'contract.signed' | 'photo.pending' | 'interview.tomorrow' | 'medical.due' | 'lostfound.contact' | 'vet.request' | 'vet.message' | 'vet.upload';

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
    /** Where reset links go (0004); null when the operator gave none. */
    email_enc: ColumnType<string | null, string | null | undefined, string | null>;
    email_hash: ColumnType<string | null, string | null | undefined, string | null>;
  };
  /** Operator password reset requests and links (0004). */
  operator_password_resets: {
    id: Generated<string>;
    account_key: string;
    address_key: string;
    operator_id: string | null;
    token_hash: string | null;
    created_at: Date;
    expires_at: Date;
    used_at: NullableTimestamp;
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
  /** Backup runs and restore drills (0005). */
  backup_runs: {
    id: Generated<string>;
    layer: 'base' | 'dump' | 'restic' | 'snapshot' | 'drill';
    kind: string | null;
    tenant_slug: string | null;
    started_at: Timestamp;
    finished_at: NullableTimestamp;
    status: 'running' | 'ok' | 'failed';
    bytes: ColumnType<string | null, number | bigint | null | undefined, number | bigint | null>;
    location: string | null;
    error: string | null;
    details: Json;
  };
  /** Vet accounts (0006): verified by an operator or a rescue's admin; *_enc encrypted, *_hash keyed hashes. */
  vets: {
    id: Generated<string>;
    name_enc: string;
    clinic_enc: string;
    clinic_area: Generated<string>;
    licence_enc: string;
    licence_hash: string;
    email_enc: string;
    email_hash: string;
    password_hash: string;
    status: ColumnType<VetStatus, VetStatus | undefined, VetStatus>;
    decided_by_type: 'operator' | 'staff' | null;
    decided_by_id: string | null;
    decided_by_tenant: string | null;
    decided_at: NullableTimestamp;
    created_at: Timestamp;
  };
  vet_sessions: { token_hash: string; vet_id: string; created_at: Timestamp; last_seen_at: Timestamp };
  /** A vet's request for one dog and, once approved, the grant (0006). */
  vet_access_requests: {
    id: Generated<string>;
    vet_id: string;
    tenant_slug: string;
    dog_id: string;
    reason_enc: string;
    status: ColumnType<VetAccessStatus, VetAccessStatus | undefined, VetAccessStatus>;
    decided_by: string | null;
    decision_reason_enc: string | null;
    decided_at: NullableTimestamp;
    expires_at: NullableTimestamp;
    revoked_by: string | null;
    revoked_at: NullableTimestamp;
    created_at: Timestamp;
  };
  audit_log: CommonTables['audit_log'] & { tenant_slug: string | null };
}

/** Where a vet account stands: verified vets may search and ask for access. */
export type VetStatus = 'pending' | 'verified' | 'rejected' | 'disabled';
/** Where a vet's access request stands; an approved one is a grant until it expires or is revoked. */
export type VetAccessStatus = 'pending' | 'approved' | 'denied' | 'revoked' | 'withdrawn';

/** One rescue's database. */
export interface TenantSchema extends CommonTables {
  rescue_settings: {
    id: Generated<boolean>;
    name: string;
    tagline: Generated<string>;
    updated_at: Timestamp;
    contact_email: Generated<string>;
    phone: Generated<string>;
    area: Generated<string>;
    website: Generated<string>;
    facebook: Generated<string>;
    instagram: Generated<string>;
    other_social: Generated<string>;
    about: Generated<string>;
    /** #rrggbb, lower case. */
    accent_colour: Generated<string>;
    /** IANA time zone (Pacific/Auckland). */
    time_zone: Generated<string>;
    /** ISO 4217 code (EUR). */
    currency: Generated<string>;
    /** BCP 47 tag for dates and money (de-DE). */
    locale: Generated<string>;
    fee_small_cents: number | null;
    fee_medium_cents: number | null;
    fee_large_cents: number | null;
    fee_xl_cents: number | null;
    /** Blob key of each logo variant by "<size>.<ext>"; null without a logo. */
    /** 0018: whether viewers see applicants' email, phone and address. */
    viewers_see_contact_details: Generated<boolean>;
    /** 0025: whether the public lost-and-found pages search this rescue's dogs (on by default). */
    lost_and_found: Generated<boolean>;
    /** Whether verified vets may find the rescue's dogs in care (0026). */
    vet_search: Generated<boolean>;
    logo_variants: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  };
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
  /** Password reset requests and links (0014); token_hash and staff_id are null for a request that matched no active account. */
  password_resets: {
    id: Generated<string>;
    account_key: string;
    address_key: string;
    staff_id: string | null;
    token_hash: string | null;
    requested_by: 'self' | 'admin';
    created_at: Date;
    expires_at: Date;
    used_at: NullableTimestamp;
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
    /** Where the dog is now (0013): the fosters feature sets and clears 'foster' with the placement. */
    whereabouts: Generated<Whereabouts>;
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
    /** The adopter's contact record, set when an adoption is completed (0008). */
    adopter_contact_id: ColumnType<string | null, string | null | undefined, string | null>;
    /** The staff member who hears about this dog, e.g. its foster notes (0009). */
    staff_contact_id: ColumnType<string | null, string | null | undefined, string | null>;
    status: ColumnType<DogStatus, DogStatus | undefined, DogStatus>;
    status_changed_at: Timestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  dog_status_history: {
    id: Generated<string>;
    dog_id: string;
    from_status: HistoryStatus | null;
    to_status: HistoryStatus;
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
  ai_drafts: {
    id: Generated<string>;
    feature: string;
    subject_kind: AiSubjectKind;
    subject_id: string;
    dog_id: string | null;
    input_digest: string;
    /** The draft's output as JSON, encrypted with the key ring. */
    output_enc: string;
    model: string | null;
    backend: string | null;
    prompt_version: string;
    path: 'model' | 'simpler';
    fallback_reason: AiFallbackReason | null;
    latency_ms: number;
    status: ColumnType<AiDraftStatus, AiDraftStatus | undefined, AiDraftStatus>;
    created_by: string | null;
    created_at: Timestamp;
    decided_by: string | null;
    decided_at: NullableTimestamp;
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
    /** How often it repeats (0010): both set or both null. */
    repeat_every: ColumnType<number | null, number | null | undefined, number | null>;
    repeat_unit: ColumnType<RepeatUnit | null, RepeatUnit | null | undefined, RepeatUnit | null>;
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
  // people (0007)
  /** A contact record (people feature); PII columns are encrypted, *_hash are keyed blind indexes. */
  contacts: {
    id: Generated<string>;
    roles: ColumnType<ContactRole[], ContactRole[] | undefined, ContactRole[]>;
    name_enc: string;
    email_enc: string | null;
    email_hash: string | null;
    phone_enc: string | null;
    phone_hash: string | null;
    address_enc: string | null;
    notes_enc: string | null;
    organisation: Generated<string>;
    created_by: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  // adoptions (0008)
  application_questions: {
    id: Generated<string>;
    position: Generated<number>;
    label: string;
    kind: QuestionKind;
    choices: ColumnType<string[], string[] | undefined, string[]>;
    required: Generated<boolean>;
    active: Generated<boolean>;
    created_at: Timestamp;
  };
  applications: {
    id: Generated<string>;
    dog_id: string;
    contact_id: string;
    status: ColumnType<ApplicationStatus, ApplicationStatus | undefined, ApplicationStatus>;
    /** Encrypted JSON of AnsweredQuestion[] (labels snapshotted). */
    answers_enc: string;
    idempotency_key: string;
    interview_at: NullableTimestamp;
    decision_reason_enc: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
    completed_at: NullableTimestamp;
    /** The bonded partner held with the dog when the application was approved "together" (0017). */
    partner_dog_id: Generated<string | null>;
  };
  application_events: {
    id: Generated<string>;
    application_id: string;
    kind: 'status' | 'note' | 'email';
    from_status: ApplicationStatus | null;
    to_status: ApplicationStatus | null;
    note_enc: string | null;
    actor_id: string | null;
    created_at: Timestamp;
  };
  application_attempts: { address_hash: string; attempted_at: Timestamp };
  adoption_email_templates: {
    status: 'received' | ApplicationStatus;
    subject: string;
    body: string;
    enabled: Generated<boolean>;
  };
  // notifications (0009)
  /** An in-app notification for one staff member; dedupe_key makes a job's notice once-only per person. */
  notifications: {
    id: Generated<string>;
    staff_id: string;
    kind: NotificationKindColumn;
    title: string;
    body: Generated<string>;
    link: string | null;
    dedupe_key: string | null;
    read_at: NullableTimestamp;
    created_at: Timestamp;
  };
  // medical documents (0010)
  /** A vet record attached to a dog's medical record; the file is the blob `sha256` (never the upload's name). */
  medical_documents: {
    id: Generated<string>;
    dog_id: string;
    sha256: string;
    content_type: 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/webp';
    size_bytes: number;
    title: string;
    /** The uploader's file name, sanitised, for display only. */
    original_name: Generated<string>;
    vaccination_id: string | null;
    treatment_id: string | null;
    visit_id: string | null;
    uploaded_by: string | null;
    created_at: Timestamp;
  };
  /** One dose of a treatment given (0010). */
  treatment_doses: { id: Generated<string>; treatment_id: string; dog_id: string; given_on: DateColumn; given_by: string | null; created_at: Timestamp };
  // adoption contracts (0011)
  /** The rescue's adoption contract template (one row at most; none: the built-in default). */
  adoption_contract_template: { id: Generated<boolean>; body: string; updated_by: string | null; updated_at: Timestamp };
  /** A contract prepared for an application; *_enc are encrypted, the token is kept only as its sha256. */
  adoption_contracts: {
    id: Generated<string>;
    application_id: string;
    body_enc: string;
    text_sha256: string;
    token_hash: string;
    expires_at: Timestamp;
    prepared_by: string | null;
    prepared_at: Timestamp;
    superseded_at: NullableTimestamp;
    signed_at: NullableTimestamp;
    signature_method: 'drawn' | 'typed' | null;
    signer_name_enc: string | null;
    signer_ip_enc: string | null;
    signer_ua_enc: string | null;
    pdf_sha256: string | null;
  };
  // closing an adoption (0017)
  /** The fee record and contract settlement of a completed application; the override reason is encrypted. */
  /** A rescue's concerns for the application review (0020; ai feature). */
  review_concerns: {
    id: Generated<string>;
    key: string;
    label: string;
    rules: ColumnType<string[], string[] | undefined, string[]>;
    active: Generated<boolean>;
    position: number;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  /** A member's chat about one dog (0021; ai feature): content encrypted JSON. */
  ai_chat_messages: {
    id: Generated<string>;
    dog_id: string;
    staff_id: string;
    role: 'user' | 'assistant';
    content_enc: string;
    path: 'model' | 'simpler' | null;
    created_at: Timestamp;
  };
  adoption_completions: {
    application_id: string;
    fee_cents: number;
    fee_method: FeeMethod;
    receipt_number: string;
    contract_id: string | null;
    contract_override_reason_enc: string | null;
    partner_dog_id: string | null;
    completed_by: string | null;
    completed_at: Timestamp;
  };
  /** Photo matching (0024): present only where pgvector is; `embedding` is pgvector's text form, written as '[x,y,…]'. */
  photo_embeddings: {
    photo_id: string;
    dog_id: string;
    model_id: string;
    dimension: number;
    embedding: string;
    created_at: Timestamp;
  };
  /** Lost and found (0025): a message about a candidate dog; the sender's details encrypted. */
  /** A grant's message thread (0026): the grant lives in the control plane, the words here, encrypted. */
  vet_messages: { id: Generated<string>; grant_id: string; dog_id: string; author_type: 'vet' | 'staff'; author_id: string; body_enc: string; created_at: Timestamp };
  /** A document a vet uploaded under a grant (0026), pending until staff accept it into the medical record. */
  vet_uploads: {
    id: Generated<string>;
    grant_id: string;
    dog_id: string;
    vet_id: string;
    sha256: string;
    content_type: 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/webp';
    size_bytes: number;
    title: string;
    original_name: Generated<string>;
    status: ColumnType<'pending' | 'accepted' | 'declined', 'pending' | 'accepted' | 'declined' | undefined, 'pending' | 'accepted' | 'declined'>;
    decided_by: string | null;
    decided_at: NullableTimestamp;
    medical_document_id: string | null;
    created_at: Timestamp;
  };
  lostfound_contacts: { id: Generated<string>; dog_id: string; name_enc: string; email_enc: string; phone_enc: string; message_enc: string; created_at: Timestamp };
  /** Lost and found (0025): accepted messages per client address (a keyed hash), for the rate limit. */
  lostfound_attempts: { address_hash: string; kind: 'contact'; at: Timestamp };
}

/** A query builder over either database; both hold the common tables. */
export type EitherKysely = Kysely<TenantSchema> | Kysely<ControlSchema> | Kysely<CommonTables>;

/** Views either database as its common tables (Kysely's types are invariant in the schema). */
export function commonTables(db: EitherKysely): Kysely<CommonTables> {
  return db as unknown as Kysely<CommonTables>;
}
