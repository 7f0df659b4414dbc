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

export type HouseholdStatus = 'active' | 'left'

export interface HouseholdTable {
  id: string
  organizationId: string
  agencyId: string | null
  externalRef: string
  lastName: string
  firstName: string | null
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
  createdAt: Timestamp
  updatedAt: Timestamp
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

export interface Database {
  network: NetworkTable
  organization: OrganizationTable
  agency: AgencyTable
  user: UserTable
  membership: MembershipTable
  session: SessionTable
  auditEvent: AuditEventTable
  household: HouseholdTable
  member: MemberTable
  phone: PhoneTable
}

export type Organization = Selectable<OrganizationTable>
export type User = Selectable<UserTable>
export type Household = Selectable<HouseholdTable>
export type NewHousehold = Insertable<HouseholdTable>
export type HouseholdUpdate = Updateable<HouseholdTable>
export type Member = Selectable<MemberTable>
export type Phone = Selectable<PhoneTable>
