import type { Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { Timestamp } from './time.js'

/**
 * Table types as the application sees them: camelCase properties mapped to snake_case columns by CamelCasePlugin.
 * Booleans are 0/1 integers on both engines (see time.ts: toFlag/fromFlag); timestamps are ISO UTC text.
 */
export interface NetworkTable {
  id: string
  code: string
  name: string
  createdAt: Timestamp
}

export type OrganizationType = 'landlord' | 'association' | 'partner'

export interface OrganizationTable {
  id: string
  networkId: string
  code: string
  name: string
  type: OrganizationType
  onCallContact: string | null
  /** Retention periods in months (features/retention); null: the server's defaults (RETENTION_*_MONTHS). */
  retentionContactMonths?: number | null
  retentionLeftMonths?: number | null
  retentionAuditMonths?: number | null
  retentionRequestsMonths?: number | null
  createdAt: Timestamp
}

export interface AgencyTable {
  id: string
  organizationId: string
  code: string
  name: string
  inseeCode: string | null
  createdAt: Timestamp
}

export interface UserTable {
  id: string
  email: string
  name: string
  passwordHash: string
  isActive: number
  locale: string
  createdAt: Timestamp
  lastLoginAt: Timestamp | null
}

/** An organisation's single sign-on (features/sso): its OpenID provider and how its groups become roles. */
export interface OrganizationSsoTable {
  organizationId: string
  isEnabled: number
  issuer: string
  clientId: string
  /** `v1.<iv>.<tag>.<ciphertext>` (AES-256-GCM under SSO_SECRET_KEY, base64url); never leaves the server. */
  clientSecretEncrypted: string
  scopes: string
  groupsClaim: string
  /** JSON `[{ group, role }]`, in the administrator's order. */
  roleMapping: string
  provisioning: string
  /** 1: while SSO is on, the organisation's memberships count only for accounts bound to its provider. */
  requireSso: number
  updatedAt: Timestamp
  updatedBy: string | null
}

/** A person's identity at an organisation's provider (its `sub`), bound to one account. */
export interface SsoIdentityTable {
  id: string
  organizationId: string
  subject: string
  userId: string
  createdAt: Timestamp
  lastSignInAt: Timestamp
}

/** A sign-in under way at a provider: what the answer must match, used once. */
export interface SsoAttemptTable {
  /** SHA-256 of the token of the browser's `allervers_sso` cookie. */
  id: string
  organizationId: string
  state: string
  nonce: string
  codeVerifier: string
  redirectUri: string
  createdAt: Timestamp
  expiresAt: Timestamp
}

/**
 * A session opened through a provider: who it is there, the provider's own session (for its back-channel logout),
 * and, when it gave a refresh token, what lets it be asked again while the session lasts (sso.recheck.ts).
 */
export interface SsoSessionTable {
  sessionId: string
  organizationId: string
  /** The person's `sub` at the provider. */
  subject: string
  /** The provider's session id (`sid` in its ID token), when it gives one. */
  providerSessionId: string | null
  /** `v1.<iv>.<tag>.<ciphertext>` (AES-256-GCM under SSO_SECRET_KEY, the session id as associated data), or null. */
  refreshTokenEncrypted: string | null
  checkedAt: Timestamp
}

export interface MembershipTable {
  id: string
  userId: string
  organizationId: string
  role: string
  createdAt: Timestamp
}

export interface SessionTable {
  /** SHA-256 of the cookie's token: a leaked table does not hand out live sessions. */
  id: string
  userId: string
  createdAt: Timestamp
  lastSeenAt: Timestamp
  expiresAt: Timestamp
  ip: string | null
  userAgent: string | null
}

export interface AuditEventTable {
  id: Generated<number>
  at: Timestamp
  actorUserId: string | null
  /** For failed logins: the address tried, lower-cased; never a password. */
  actorEmail: string | null
  organizationId: string | null
  action: string
  entityType: string | null
  entityId: string | null
  ip: string | null
  details: string | null
}

/** Sign-in attempts counted in the current window of one key (a pair, an address or an account). */
/** A link sent by mail to set one's password; only the SHA-256 of its token is kept. */
export interface AccountTokenTable {
  id: string
  userId: string
  purpose: 'invitation' | 'password_reset'
  createdAt: Timestamp
  expiresAt: Timestamp
  usedAt: Timestamp | null
  createdBy: string | null
}

/** An account's second factor (TOTP): the secret encrypted (features/mfa/mfa.crypto.ts), confirmed or not yet. */
export interface UserMfaTable {
  userId: string
  secret: string
  createdAt: Timestamp
  enabledAt: Timestamp | null
  /** The last 30-second step a code was accepted for: a code of that step or an earlier one is refused. */
  lastUsedStep: number | null
}

export interface MfaRecoveryCodeTable {
  codeHash: string
  userId: string
  createdAt: Timestamp
  usedAt: Timestamp | null
}

/** A sign-in whose password was right and whose second factor is still to come (or to be enrolled). */
export interface MfaChallengeTable {
  id: string
  userId: string
  purpose: 'verify' | 'enrol'
  createdAt: Timestamp
  expiresAt: Timestamp
  failures: Generated<number>
}

export interface LoginThrottleTable {
  key: string
  windowStartedAt: Timestamp
  attempts: number
}

export type HouseholdStatus = 'active' | 'left'

export interface HouseholdTable {
  id: string
  organizationId: string
  agencyId: string | null
  externalRef: string
  lastName: string
  firstName: string | null
  /** The leaseholder's civility, `'M'` or `'Mme'` (`Civility` in shared/households.ts), or null when unknown. */
  civility?: string | null
  /** The names folded for the search, in both orders: `householdSearchName(lastName, firstName)`, written with them. */
  searchName: string | null
  /** YYYY-MM-DD of the leaseholder, or null when unknown or invalid (the raw value stays in rawValues). */
  birthDate: string | null
  /** YYYY-MM-DD of the oldest known occupant: targeting "age of the oldest occupant" reads it. */
  oldestBirthDate: string | null
  email: string | null
  addressLine1: string | null
  addressLine2: string | null
  postcode: string | null
  city: string | null
  inseeCode: string | null
  floor: number | null
  hasLift: number | null
  occupants: number | null
  livesAlone: number | null
  leaseStart: string | null
  arrearsCents: number | null
  housingBenefit: number | null
  supportProgramme: number | null
  worksProgramme: string | null
  status: HouseholdStatus
  leftAt: Timestamp | null
  objectionAt: Timestamp | null
  objectionChannel: string | null
  objectionRecordedBy: string | null
  objectionNote: string | null
  fragilityLevel: string | null
  lastContactedAt: Timestamp | null
  /** The last import run whose file held this household (a snapshot import marks the others as left). */
  lastImportId: string | null
  importSignature: string | null
  createdAt: Timestamp
  updatedAt: Timestamp
  /** When retention erased its identity and free texts (features/retention); null while it is whole. */
  erasedAt?: Timestamp | null
  /** The leaseholder's year of birth, kept when the birth date is erased. */
  birthYear?: number | null
  /** The home key its calls were counted under, frozen at erasure (the generated dedupe_key reads it first). */
  keptHomeKey?: string | null
  /**
   * The fields rectified at the tenant's request, a JSON array of `RECTIFIABLE_FIELDS` names (null when none): an
   * import keeps their values while the file still holds another one.
   */
  rectifiedFields?: string | null
}

export interface MemberTable {
  id: string
  householdId: string
  organizationId: string
  position: number
  isLeaseholder: number
  lastName: string
  firstName: string | null
  birthDate: string | null
  role: string | null
  /** Kept when the birth date is erased. */
  birthYear?: number | null
}

export type PhoneKind = 'mobile' | 'landline' | 'other'

export interface PhoneTable {
  id: string
  householdId: string
  organizationId: string
  memberId: string | null
  position: number
  raw: string
  e164: string | null
  kind: PhoneKind
  isValid: number
}

export interface CampaignTable {
  id: string
  organizationId: string
  name: string
  type: string
  status: string
  /** JSON: the targeting rule. */
  targeting: string
  /** JSON: priority weight overrides, or null for the defaults. */
  priorityWeights: string | null
  /** JSON: "always" or weekly windows in Europe/Paris time. */
  callingHours: string
  maxAttempts: number
  /** JSON: minutes before the next attempt, by outcome. */
  retryDelays: string
  /** JSON: { maxAttempts, days } across all active campaigns. */
  frequencyCap: string
  script: string
  /** JSON: [{ question, answer }]. */
  faq: string
  questionnaireVersionId: string | null
  callersRestricted: number
  createdBy: string
  createdAt: Timestamp
  updatedAt: Timestamp
  activatedAt: Timestamp | null
  closedAt: Timestamp | null
}

export interface QuestionnaireVersionTable {
  id: string
  campaignId: string
  version: number
  /** JSON: the questionnaire definition, frozen once answers refer to it. */
  definition: string
  createdBy: string
  createdAt: Timestamp
}

export interface CampaignTargetTable {
  id: string
  campaignId: string
  organizationId: string
  householdId: string
  status: string
  priority: number
  /** JSON: [{ key, points }] explaining the priority. */
  priorityReasons: string | null
  attempts: number
  nextAttemptAt: Timestamp
  heldBy: string | null
  /** When the caller who holds it took it (a renewal leaves it); null before 2026-12-05. Optional here only so that
   * code writing whole rows (benches, the targeting) need not name it. */
  heldAt?: Timestamp | null
  leaseUntil: Timestamp | null
  lastDisposition: string | null
  lastCalledAt: Timestamp | null
  phonePosition: number
  preferredCallerId: string | null
  /** The watch (veille): call again every N days until `followUpUntil` (YYYY-MM-DD), ahead of other targets. */
  followUpIntervalDays: number | null
  followUpUntil: string | null
  addedAt: Timestamp
  removedAt: Timestamp | null
  updatedAt: Timestamp
}

export interface CampaignCallerTable {
  campaignId: string
  userId: string
}

export interface CallTable {
  id: string
  campaignId: string
  targetId: string
  householdId: string
  organizationId: string
  callerId: string
  attempt: number
  disposition: string
  phoneE164: string | null
  questionnaireVersionId: string | null
  answers: string | null
  scores: string | null
  needs: string | null
  fragilityLevel: string | null
  notes: string | null
  callbackAt: Timestamp | null
  durationSeconds: number | null
  /** JSON: the detection rules' suggestions during the call, each with whether the caller followed it. */
  suggestions?: string | null
  idempotencyKey: string
  /**
   * Digest of the outcome request the key first came with (see outcome.service.ts `requestHash`); absent on calls
   * saved before it was kept, and on calls written by other means (imports of history, tests).
   */
  requestHash?: string | null
  createdAt: Timestamp
  /** 1 until the review's rollups count this call (stats feature). */
  statsPending?: number
}

export interface HouseholdHoldTable {
  householdId: string
  targetId: string
  callerId: string
  leaseUntil: Timestamp
}

export interface ReferralTable {
  id: string
  householdId: string
  callId: string | null
  senderOrganizationId: string
  senderUserId: string
  recipientOrganizationId: string
  /** An internal team of the recipient organisation (e.g. "Service social"), or null for the whole organisation. */
  recipientTeam: string | null
  assigneeId: string | null
  category: string
  urgency: string
  status: string
  summary: string
  consentGiven: number
  consentRecordedAt: Timestamp | null
  overrideReason: string | null
  outcome: string | null
  dueAcceptBy: Timestamp
  dueResolveBy: Timestamp
  acceptedAt: Timestamp | null
  closedAt: Timestamp | null
  overdueNotifiedAt: Timestamp | null
  createdAt: Timestamp
  updatedAt: Timestamp
}

export interface ReferralEventTable {
  id: string
  referralId: string
  actorUserId: string
  actorOrganizationId: string
  /** `created`, `transition`, `note`. */
  kind: string
  fromStatus: string | null
  toStatus: string | null
  note: string | null
  createdAt: Timestamp
}

export interface OutboxEmailTable {
  id: string
  recipient: string
  subject: string
  body: string
  /** `pending`, `sent`, `failed` (gave up after many attempts; kept, never lost). */
  status: string
  attempts: number
  nextAttemptAt: Timestamp
  lockedUntil: Timestamp | null
  lastError: string | null
  createdAt: Timestamp
  sentAt: Timestamp | null
}

export interface ImportRunTable {
  id: string
  organizationId: string
  createdBy: string | null
  fileName: string
  /** `running`, `done`, `refused`, `failed`. */
  status: string
  isSnapshot: number
  isDryRun: number
  rowsTotal: number
  rowsDone: number
  /** JSON: the report (counts, rejected rows, warnings). */
  report: string | null
  error: string | null
  createdAt: Timestamp
  finishedAt: Timestamp | null
}

export interface ImportMappingTable {
  id: string
  organizationId: string
  name: string
  /** JSON: { "<header>": "<field>" }. */
  columns: string
  createdAt: Timestamp
}

/** What a caller felt at the end of a calling session, and whether they asked a supervisor for a debrief. */
export interface CallerFeedbackTable {
  id: string
  organizationId: string
  campaignId: string
  callerId: string
  /** 1–5. */
  meaningful: number
  /** 1–5. */
  useful: number
  comment: string | null
  debriefRequested: number
  debriefHandledBy: string | null
  debriefHandledAt: Timestamp | null
  createdAt: Timestamp
}

/** The review's counts per scope, figure and Paris day (see features/stats/stats.rollups.ts). */
export interface StatsRollupTable {
  id: string
  scope: string
  metric: string
  dayFrom: string
  dayTo: string
  counts: string
}

/** The home key and agency a household's calls were last counted under in the rollups. */
export interface StatsHouseholdTable {
  householdId: string
  homeKey: string
  agencyId: string | null
}

/**
 * A free text saved with words of a special category (`shared/sensitive-words.ts`): one row per category and text,
 * written in the text's transaction. Never the text nor the words.
 */
export interface SensitiveFlagTable {
  id: string
  /** The organisation holding the household's file (or the campaign, for a caller's comment). */
  organizationId: string
  /** null for a text about no household: a caller's end-of-session comment. */
  householdId: string | null
  /** Where the text was written: one of SENSITIVE_FLAG_SOURCES (`shared/contracts/sensitive-flags.ts`). */
  source: string
  /** The call, referral, referral event or caller feedback the text belongs to. */
  sourceId: string | null
  category: string
  authorUserId: string
  authorOrganizationId: string
  createdAt: Timestamp
}

/** One purge of retention (features/retention): by the server's worker or `allervers purge`. */
export interface PurgeRunTable {
  id: string
  /** null: every organisation. */
  organizationId: string | null
  /** `worker`, `cli`. */
  trigger: string
  /** The Paris day the purge ran as of (YYYY-MM-DD). */
  asOf: string
  dryRun: number
  startedAt: Timestamp
  finishedAt: Timestamp | null
  /** `running`, `done`, `failed`. */
  status: string
  /** JSON: the counts, as `allervers purge --json` prints them. */
  report: string | null
  error: string | null
}

/** A tenant's request about their data, in the register (features/data-protection). */
export interface DataRequestTable {
  id: string
  organizationId: string
  householdId: string
  householdRef: string
  /** `access`, `rectification`, `erasure`, `objection`. */
  kind: string
  channel: string | null
  /** Paris days: received, and one month later, the deadline. */
  receivedOn: string
  dueOn: string
  /** `open`, `closed`. */
  status: string
  recordedBy: string
  createdAt: Timestamp
  handledBy: string | null
  handledAt: Timestamp | null
  /** `answered`, `rectified`, `erased`, `objection_recorded`, `refused`. */
  outcome: string | null
  response: string | null
  /** JSON: field names, a refusal's reason code. */
  details: string | null
}

export interface Database {
  network: NetworkTable
  organization: OrganizationTable
  agency: AgencyTable
  user: UserTable
  membership: MembershipTable
  session: SessionTable
  auditEvent: AuditEventTable
  loginThrottle: LoginThrottleTable
  accountToken: AccountTokenTable
  userMfa: UserMfaTable
  mfaRecoveryCode: MfaRecoveryCodeTable
  mfaChallenge: MfaChallengeTable
  organizationSso: OrganizationSsoTable
  ssoIdentity: SsoIdentityTable
  ssoAttempt: SsoAttemptTable
  ssoSession: SsoSessionTable
  household: HouseholdTable
  member: MemberTable
  phone: PhoneTable
  campaign: CampaignTable
  questionnaireVersion: QuestionnaireVersionTable
  campaignTarget: CampaignTargetTable
  campaignCaller: CampaignCallerTable
  call: CallTable
  householdHold: HouseholdHoldTable
  referral: ReferralTable
  referralEvent: ReferralEventTable
  outboxEmail: OutboxEmailTable
  importRun: ImportRunTable
  importMapping: ImportMappingTable
  callerFeedback: CallerFeedbackTable
  statsRollup: StatsRollupTable
  statsHousehold: StatsHouseholdTable
  sensitiveFlag: SensitiveFlagTable
  purgeRun: PurgeRunTable
  dataRequest: DataRequestTable
}

export type Organization = Selectable<OrganizationTable>
export type User = Selectable<UserTable>
export type Household = Selectable<HouseholdTable>
export type NewHousehold = Insertable<HouseholdTable>
export type HouseholdUpdate = Updateable<HouseholdTable>
export type Member = Selectable<MemberTable>
export type Phone = Selectable<PhoneTable>
