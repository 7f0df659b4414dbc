import { randomUUID } from 'node:crypto'
import type { Db } from '../src/server/db/database.js'
import type { HouseholdTable, OrganizationType } from '../src/server/db/schema.js'
import { nowTimestamp } from '../src/server/db/time.js'
import { hashPassword } from '../src/server/features/auth/passwords.js'
import { createNetwork, createOrganization } from '../src/server/features/organizations/organizations.queries.js'
import { insertUser, upsertMembership } from '../src/server/features/users/users.queries.js'
import type { Role } from '../src/shared/roles.js'

let counter = 0
const next = () => `${++counter}-${randomUUID().slice(0, 8)}`

export async function makeNetwork(db: Db) {
  const existing = await db.selectFrom('network').selectAll().where('code', '=', 'test-network').executeTakeFirst()
  return existing ?? createNetwork(db, { code: 'test-network', name: 'Réseau de test' })
}

export async function makeOrganization(
  db: Db,
  options: { type?: OrganizationType; code?: string; name?: string } = {},
) {
  const network = await makeNetwork(db)
  const code = options.code ?? `org-${next()}`
  return createOrganization(db, {
    networkId: network.id,
    code,
    name: options.name ?? `Organisation ${code}`,
    type: options.type ?? 'landlord',
  })
}

export interface TestUser {
  id: string
  email: string
  password: string
  organizationId: string
}

const passwordHashes = new Map<string, Promise<string>>()

/** A user with one role in one organisation (a new landlord unless `organizationId` is given). */
export async function makeUser(db: Db, role: Role, options: { organizationId?: string; password?: string } = {}) {
  const organizationId = options.organizationId ?? (await makeOrganization(db)).id
  const password = options.password ?? 'correct horse battery staple'
  if (!passwordHashes.has(password)) passwordHashes.set(password, hashPassword(password))
  const email = `${role}-${next()}@test.allervers.localhost`
  const user = await insertUser(db, {
    email,
    name: `Test ${role}`,
    passwordHash: (await passwordHashes.get(password))!,
  })
  await upsertMembership(db, { userId: user.id, organizationId, role })
  return { id: user.id, email, password, organizationId } satisfies TestUser
}

export async function makeHousehold(db: Db, fields: Partial<HouseholdTable> & { organizationId: string }) {
  const now = nowTimestamp()
  const row: HouseholdTable = {
    id: randomUUID(),
    agencyId: null,
    externalRef: `REF-${next()}`,
    lastName: 'Martin',
    firstName: 'Jeanne',
    birthDate: '1940-05-12',
    oldestBirthDate: '1940-05-12',
    email: null,
    addressLine1: '12 rue des Lilas',
    addressLine2: null,
    postcode: '54000',
    city: 'Nancy',
    inseeCode: '54395',
    floor: 2,
    hasLift: 0,
    occupants: 1,
    livesAlone: 1,
    leaseStart: '1998-09-01',
    arrearsCents: 0,
    housingBenefit: 1,
    supportProgramme: 0,
    worksProgramme: null,
    status: 'active',
    leftAt: null,
    objectionAt: null,
    objectionChannel: null,
    objectionRecordedBy: null,
    objectionNote: null,
    fragilityLevel: null,
    lastContactedAt: null,
    createdAt: now,
    updatedAt: now,
    ...fields,
  }
  await db.insertInto('household').values(row).execute()
  return row
}

export async function makePhone(db: Db, household: { id: string; organizationId: string }, e164 = '+33612345678') {
  const row = {
    id: randomUUID(),
    householdId: household.id,
    organizationId: household.organizationId,
    memberId: null,
    position: 0,
    raw: e164,
    e164,
    kind: 'mobile' as const,
    isValid: 1,
  }
  await db.insertInto('phone').values(row).execute()
  return row
}
