/**
 * Data protection: the audit log read by the DPO (`/audit`, and its CSV), a household's dossier for an access request
 * (`/households/:id/dossier`), the register of tenants' requests (`/data-requests`), rectification and erasure.
 */
import { type Static, Type } from 'typebox'
import { CIVILITIES } from '../households.js'
import { BirthDay, Day, fileResponse, IdParams, Nullable, Offset, Page } from './common.js'
import { KeptReasonSchema } from './retention.js'
import { route } from './route.js'

/** Audit lines a page answers when the query names no limit. */
export const AUDIT_PAGE_SIZE = 50
/** The most lines one CSV export of the audit log holds; more is refused with the count (narrow the filters). */
export const AUDIT_CSV_MAX_ROWS = 50_000

/**
 * The actions the audit log records, by family (the part before the dot): what the journal's filter offers, each with
 * its label (`labels.ts`, `auditAction`). A family filters all its actions (`household` for `household.read`…).
 */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.login_rate_limited',
  'auth.logout',
  'auth.mfa_challenge',
  'auth.mfa_failed',
  'auth.mfa_rate_limited',
  'auth.mfa_recovery_code_used',
  'auth.sso_refused',
  'auth.sso_session_ended',
  'auth.sso_role_changed',
  'account.invitation_accepted',
  'account.password_change',
  'account.password_reset',
  'account.reset_requested',
  'account.reset_rate_limited',
  'account.session_end',
  'account.mfa_enabled',
  'account.mfa_disabled',
  'account.mfa_recovery_codes',
  'household.read',
  'household.search',
  'household.timeline_read',
  'household.export',
  'household.import_update',
  'household.objection',
  'household.objection_withdrawn',
  'household.dossier',
  'household.rectify',
  'household.erased',
  'household.erasure_refused',
  'referral.read',
  'referral.list',
  'referral.create',
  'referral.create_without_consent',
  'referral.accepted',
  'referral.rejected',
  'referral.in_progress',
  'referral.done',
  'referral.revoked',
  'referral.note',
  'referral.follow_up',
  'campaign.create',
  'campaign.update',
  'campaign.preview',
  'campaign.explain',
  'campaign.retarget',
  'campaign.callers',
  'campaign.caller_added',
  'campaign.caller_removed',
  'callback.reassign',
  'callback.list',
  'target.release',
  'feedback.create',
  'feedback.debrief_handled',
  'import.preview',
  'import.start',
  'import.rejected_read',
  'export.download',
  'stats.review_read',
  'stats.review_pdf',
  'organization.create',
  'sso.settings_changed',
  'agency.create',
  'user.create',
  'user.invite',
  'user.enable',
  'user.disable',
  'user.mfa_reset',
  'membership.upsert',
  'user.membership_removed',
  'dataRequest.create',
  'dataRequest.close',
  'audit.read',
  'audit.export',
  'retention.settings',
  'retention.due_read',
  'retention.purge',
  'sensitive_flag.list',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

export const AuditFiltersSchema = Type.Object({
  /** A user's id or email address (the actor). */
  user: Type.Optional(Type.String({ maxLength: 254 })),
  /** A household's reference in the landlord's file: the lines about it. */
  householdRef: Type.Optional(Type.String({ maxLength: 100 })),
  /** An action (`household.read`, `dataRequest.create`) or a family of actions (`household`). */
  action: Type.Optional(Type.String({ maxLength: 100, pattern: '^[A-Za-z_.]*$' })),
  /** An organisation's code among those the reader may audit. */
  organization: Type.Optional(Type.String({ maxLength: 64 })),
  from: Type.Optional(Day({ description: 'first Paris day (YYYY-MM-DD), inclusive' })),
  to: Type.Optional(Day({ description: 'last Paris day (YYYY-MM-DD), inclusive' })),
})

export const AuditQuerySchema = Type.Object({
  ...AuditFiltersSchema.properties,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: AUDIT_PAGE_SIZE })),
  offset: Type.Optional(Offset),
})

export const AuditItemSchema = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  action: Type.String(),
  actor: Nullable(Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() })),
  /** The address tried, for a failed sign-in without an account. */
  actorEmail: Nullable(Type.String()),
  /** The actor's role in the organisation the line is filed under. */
  actorRole: Nullable(Type.String()),
  organization: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  entityType: Nullable(Type.String()),
  entityId: Nullable(Type.String()),
  /** The household's reference when the line is about a household. */
  householdRef: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  details: Nullable(Type.Record(Type.String(), Type.Unknown())),
})

export type AuditItem = Static<typeof AuditItemSchema>

export const DOSSIER_FORMATS = ['json', 'pdf'] as const
export type DossierFormat = (typeof DOSSIER_FORMATS)[number]

/** The household's fields a manager may rectify on request; the others come from the landlord's file. */
export const RectificationSchema = Type.Object(
  {
    requestId: Type.Optional(Type.String({ maxLength: 64 })),
    changes: Type.Object(
      {
        civility: Type.Optional(Nullable(Type.Enum(CIVILITIES))),
        lastName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        firstName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
        birthDate: Type.Optional(Nullable(BirthDay())),
        email: Type.Optional(Nullable(Type.String({ maxLength: 254, format: 'email' }))),
        addressLine1: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
        addressLine2: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
        postcode: Type.Optional(Nullable(Type.String({ maxLength: 10 }))),
        city: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
)
export const RECTIFIABLE_FIELDS = Object.keys(RectificationSchema.properties.changes.properties) as Array<
  keyof Static<typeof RectificationSchema>['changes']
>
export type RectifiableField = (typeof RECTIFIABLE_FIELDS)[number]
/** The fields a household had rectified at the tenant's request, which the landlord's next imports keep (none: []). */
export const RectifiedFieldsSchema = Type.Array(Type.Enum(RECTIFIABLE_FIELDS))
/**
 * The reason (`details.reason`) of the 422 refusing a rectification whose every field already holds the value given
 * (as stored: trimmed, an address as the official list writes it): nothing is written, registered or audited.
 */
export const NOTHING_TO_RECTIFY = 'nothing_to_rectify'

const Text = Nullable(Type.String())
const Num = Nullable(Type.Number())
const Flag = Nullable(Type.Boolean())
const NamedOrganization = Type.Object({ code: Type.String(), name: Type.String() })

/** Everything held about one household, for the tenant's right of access (GDPR art. 15). */
export const DossierSchema = Type.Object({
  generatedAt: Type.String(),
  household: Type.Object({
    id: Type.String(),
    externalRef: Type.String(),
    organization: NamedOrganization,
    agency: Nullable(NamedOrganization),
    status: Type.String(),
    leftAt: Text,
    civility: Text,
    lastName: Type.String(),
    firstName: Text,
    birthDate: Text,
    email: Text,
    address: Type.Object({ line1: Text, line2: Text, postcode: Text, city: Text, inseeCode: Text }),
    rectifiedFields: RectifiedFieldsSchema,
    situation: Type.Object({
      occupants: Num,
      livesAlone: Flag,
      floor: Num,
      hasLift: Flag,
      leaseStart: Text,
      arrears: Num,
      housingBenefit: Flag,
      supportProgramme: Flag,
      worksProgramme: Text,
      fragilityLevel: Text,
      lastContactedAt: Text,
    }),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  }),
  occupants: Type.Array(
    Type.Object({
      lastName: Type.String(),
      firstName: Text,
      birthDate: Text,
      isLeaseholder: Type.Boolean(),
      role: Text,
    }),
  ),
  phones: Type.Array(Type.Object({ number: Type.String(), e164: Text, kind: Type.String(), isValid: Type.Boolean() })),
  calls: Type.Array(
    Type.Object({
      at: Type.String(),
      campaign: Type.String(),
      organization: Type.String(),
      attempt: Type.Integer(),
      disposition: Type.String(),
      durationSeconds: Num,
      fragilityLevel: Text,
      needs: Type.Array(Type.String()),
      notes: Text,
      callbackAt: Text,
      answers: Type.Array(Type.Object({ question: Type.String(), answer: Type.String() })),
      scores: Type.Array(Type.Object({ instrument: Type.String(), score: Num, category: Text })),
    }),
  ),
  orientations: Type.Array(
    Type.Object({
      id: Type.String(),
      createdAt: Type.String(),
      category: Type.String(),
      urgency: Type.String(),
      status: Type.String(),
      sender: Type.String(),
      recipient: Type.String(),
      recipientTeam: Text,
      summary: Type.String(),
      outcome: Text,
      acceptedAt: Text,
      closedAt: Text,
      steps: Type.Array(
        Type.Object({
          at: Type.String(),
          kind: Type.String(),
          fromStatus: Text,
          toStatus: Text,
          note: Text,
          organization: Type.String(),
        }),
      ),
    }),
  ),
  objection: Nullable(Type.Object({ at: Type.String(), channel: Text, note: Text })),
  /** Objections recorded and withdrawn, from the audit log. */
  objectionHistory: Type.Array(Type.Object({ at: Type.String(), action: Type.String(), channel: Text })),
  /** The consent asked before each orientation was shared. */
  consents: Type.Array(
    Type.Object({ orientationId: Type.String(), given: Type.Boolean(), recordedAt: Text, overrideReason: Text }),
  ),
  /** Who read or changed the household's data, when: by role and organisation (never a staff member's name). */
  accesses: Type.Array(Type.Object({ at: Type.String(), action: Type.String(), role: Text, organization: Text })),
})

export type Dossier = Static<typeof DossierSchema>

/** What a tenant asks about their data (GDPR art. 15 to 21). */
export const DATA_REQUEST_KINDS = ['access', 'rectification', 'erasure', 'objection'] as const
export type DataRequestKind = (typeof DATA_REQUEST_KINDS)[number]
/** How a request was closed. */
export const DATA_REQUEST_OUTCOMES = ['answered', 'rectified', 'erased', 'objection_recorded', 'refused'] as const
export type DataRequestOutcome = (typeof DATA_REQUEST_OUTCOMES)[number]
/** How the request reached the landlord. */
export const DATA_REQUEST_CHANNELS = ['mail', 'email', 'phone', 'in_person', 'other'] as const
export const DATA_REQUEST_STATUSES = ['open', 'closed'] as const

export const DataRequestSchema = Type.Object({
  id: Type.String(),
  organization: NamedOrganization,
  householdId: Type.String(),
  householdRef: Type.String(),
  kind: Type.Enum(DATA_REQUEST_KINDS),
  channel: Text,
  receivedOn: Type.String(),
  dueOn: Type.String(),
  status: Type.Enum(DATA_REQUEST_STATUSES),
  /** Open past its deadline (Paris days). */
  overdue: Type.Boolean(),
  recordedBy: Type.Object({ id: Type.String(), name: Type.String() }),
  createdAt: Type.String(),
  handledBy: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  handledAt: Text,
  outcome: Nullable(Type.Enum(DATA_REQUEST_OUTCOMES)),
  response: Text,
  /** The fields rectified; the reason of a refusal. */
  details: Nullable(Type.Record(Type.String(), Type.Unknown())),
})
export type DataRequest = Static<typeof DataRequestSchema>

export const DataRequestListQuery = Type.Object({
  status: Type.Optional(Type.Enum([...DATA_REQUEST_STATUSES, 'all'] as const, { default: 'all' })),
  householdRef: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Offset),
})

export const NewDataRequestSchema = Type.Object(
  {
    /** The organisation's code; needed only by someone who registers for several. */
    organization: Type.Optional(Type.String({ maxLength: 64 })),
    householdRef: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Enum(DATA_REQUEST_KINDS),
    channel: Type.Optional(Type.Enum(DATA_REQUEST_CHANNELS)),
    receivedOn: Type.Optional(Day({ description: 'the day the request was received (YYYY-MM-DD), not in the future' })),
  },
  { additionalProperties: false },
)

export const CloseDataRequestSchema = Type.Object(
  {
    outcome: Type.Enum(['answered', 'objection_recorded', 'refused'] as const),
    response: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
)

/**
 * The fields a household had rectified, as its `rectified_fields` column holds them (a JSON array of names, null when
 * none); anything else in it is ignored.
 */
export function parseRectifiedFields(text: string | null | undefined): RectifiableField[] {
  if (!text) return []
  try {
    const parsed: unknown = JSON.parse(text)
    if (!Array.isArray(parsed)) return []
    return RECTIFIABLE_FIELDS.filter((field) => parsed.includes(field))
  } catch {
    return []
  }
}

/** The column's text for these fields: sorted, each once, null when none. */
export function rectifiedFieldsText(fields: Iterable<string>): string | null {
  const known = RECTIFIABLE_FIELDS.filter((field) => [...fields].includes(field)).sort()
  return known.length ? JSON.stringify(known) : null
}

/**
 * Erasure on the tenant's request: the open request of erasure of the register it answers (registered by the DPO or
 * a manager); without one, a request is registered and closed at once.
 */
export const ErasureSchema = Type.Object(
  { requestId: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
)

export const ErasureResultSchema = Type.Object({
  /** The request of the register, closed as `erased`, with `details.erasedAt`. */
  request: DataRequestSchema,
  erasedAt: Type.String(),
})

/**
 * The `details` of the 409 (`CONFLICT`) answered when something requires keeping the household's data (an active
 * orientation, a planned follow-up): nothing was erased and the request stays open (close it as refused with the
 * reason, or erase once what keeps it has ended).
 */
export const ErasureRefusalSchema = Type.Object({ keptBecause: Type.Array(KeptReasonSchema) })
export type ErasureRefusal = Static<typeof ErasureRefusalSchema>
export type AuditFilters = Static<typeof AuditFiltersSchema>

export const dataProtectionContract = {
  audit: route('GET', '/audit', {
    tags: ['data-protection'],
    description:
      'The audit log of the organisations the reader audits (DPO, administrator), newest first, with filters. ' +
      'Reading it is itself audited.',
    querystring: AuditQuerySchema,
    response: { 200: Page(AuditItemSchema) },
  }),
  auditCsv: route('GET', '/audit.csv', {
    tags: ['data-protection'],
    description: `The same lines as \`GET /audit\` with the same filters, as CSV (at most ${AUDIT_CSV_MAX_ROWS} lines).`,
    querystring: AuditFiltersSchema,
    response: { 200: fileResponse('The audit lines, as an attachment', ['text/csv']) },
  }),
  dossier: route('GET', '/households/:id/dossier', {
    tags: ['data-protection'],
    description:
      'Everything held about one household (right of access): a JSON file, or a PDF in French. For the managers and ' +
      'administrators of its organisation, and its DPO while a request of the register is open about it. Audited.',
    params: IdParams,
    querystring: Type.Object({
      format: Type.Optional(Type.Enum(DOSSIER_FORMATS, { default: 'json' })),
    }),
    response: { 200: fileResponse('The dossier, as an attachment', ['application/json', 'application/pdf']) },
  }),
  listRequests: route('GET', '/data-requests', {
    tags: ['data-protection'],
    description: 'The register of tenants’ requests of the organisations the reader handles, soonest deadline first.',
    querystring: DataRequestListQuery,
    response: { 200: Page(DataRequestSchema) },
  }),
  createRequest: route('POST', '/data-requests', {
    tags: ['data-protection'],
    body: NewDataRequestSchema,
    response: { 201: DataRequestSchema },
  }),
  closeRequest: route('POST', '/data-requests/:id/close', {
    tags: ['data-protection'],
    description: 'Closes a request: answered (access), objection recorded, or refused with the reason given.',
    params: IdParams,
    body: CloseDataRequestSchema,
    response: { 200: DataRequestSchema },
  }),
  rectify: route('POST', '/households/:id/rectification', {
    tags: ['data-protection'],
    description:
      'Rectifies the household’s fields on the tenant’s request (managers, administrators); audited with the names ' +
      'of the fields changed and registered (the open request named, or a new one closed at once). Only the fields ' +
      'that change are checked. Refused with 422 (`details.reason` `nothing_to_rectify`) when every field given ' +
      'already holds that value: nothing is written, registered or audited, an open request stays open.',
    params: IdParams,
    body: RectificationSchema,
    response: {
      200: Type.Object({
        request: DataRequestSchema,
        fields: Type.Array(Type.String()),
        /**
         * Stored fields the rectification left as they are although malformed, and could not check the changed ones
         * against (a postcode that is not one, from the landlord's file, when only the town changed): said, so that
         * they may be rectified too.
         */
        malformed: Type.Array(
          Type.Object({ field: Type.Enum(RECTIFIABLE_FIELDS), value: Type.String(), message: Type.String() }),
        ),
      }),
    },
  }),
  erase: route('POST', '/households/:id/erasure', {
    tags: ['data-protection'],
    description:
      'Erases the household now on the tenant’s request (managers, administrators of its organisation), as the purge ' +
      'does: identity and free texts blanked, coded facts kept, so the review does not move. Refused with 409 ' +
      '(`details.keptBecause`) while an orientation is active or a follow-up planned; nothing changes then. ' +
      'Registered (the open request named, or a new one) and closed as erased; audited.',
    params: IdParams,
    body: ErasureSchema,
    response: { 200: ErasureResultSchema },
  }),
}
