/**
 * Data protection: the audit log read by the DPO (`/audit`, and its CSV), a household's dossier for an access request
 * (`/households/:id/dossier`), the register of tenants' requests (`/data-requests`), rectification and erasure.
 */
import { type Static, Type } from 'typebox'
import { Day, fileResponse, Nullable, Offset, Page } from './common.js'
import { route } from './route.js'

/** Audit lines a page answers when the query names no limit. */
export const AUDIT_PAGE_SIZE = 50
/** The most lines one CSV export of the audit log holds; more is refused with the count (narrow the filters). */
export const AUDIT_CSV_MAX_ROWS = 50_000

export const AuditFiltersSchema = Type.Object({
  /** A user's id or email address (the actor). */
  user: Type.Optional(Type.String({ maxLength: 254 })),
  /** A household's reference in the landlord's file: the lines about it. */
  householdRef: Type.Optional(Type.String({ maxLength: 100 })),
  /** An action (`household.read`) or a family of actions (`household`). */
  action: Type.Optional(Type.String({ maxLength: 100, pattern: '^[a-z_.]*$' })),
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
}
