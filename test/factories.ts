import { randomUUID } from 'node:crypto'
import type { Db } from '../src/server/db/database.js'
import { sortableId } from '../src/server/db/ids.js'
import type { CallTable, HouseholdTable, OrganizationType, ReferralTable } from '../src/server/db/schema.js'
import { nowTimestamp } from '../src/server/db/time.js'
import { hashPassword } from '../src/server/features/auth/passwords.js'
import {
  createNetwork,
  createOrganization,
  findNetworkByCode,
} from '../src/server/features/organizations/organizations.queries.js'
import { insertUser, upsertMembership } from '../src/server/features/users/users.queries.js'
import { householdSearchName } from '../src/shared/households.js'
import type { Role } from '../src/shared/roles.js'

let counter = 0
const next = () => `${++counter}-${randomUUID().slice(0, 8)}`

export async function makeNetwork(db: Db) {
  return (
    (await findNetworkByCode(db, 'test-network')) ?? createNetwork(db, { code: 'test-network', name: 'Réseau de test' })
  )
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
    searchName: null,
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
    lastImportId: null,
    importSignature: null,
    createdAt: now,
    updatedAt: now,
    ...fields,
  }
  row.searchName = fields.searchName ?? householdSearchName(row.lastName, row.firstName)
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

/** A campaign inserted directly (no targeting module involved), with one questionnaire version. */
export async function makeCampaign(
  db: Db,
  options: {
    organizationId?: string
    createdBy?: string
    status?: string
    callingHours?: unknown
    maxAttempts?: number
    questionnaire?: unknown
    frequencyCap?: { maxAttempts: number; days: number }
  } = {},
) {
  const organizationId = options.organizationId ?? (await makeOrganization(db)).id
  const createdBy = options.createdBy ?? (await makeUser(db, 'manager', { organizationId })).id
  const now = nowTimestamp()
  const id = randomUUID()
  const versionId = randomUUID()
  await db
    .insertInto('campaign')
    .values({
      id,
      organizationId,
      name: `Campagne ${next()}`,
      type: 'crisis_check',
      status: options.status ?? 'active',
      targeting: JSON.stringify({ all: [] }),
      priorityWeights: null,
      callingHours: JSON.stringify(options.callingHours ?? 'always'),
      maxAttempts: options.maxAttempts ?? 5,
      retryDelays: JSON.stringify({ no_answer: 120, voicemail: 240, busy: 15, other: 1440 }),
      frequencyCap: JSON.stringify(options.frequencyCap ?? { maxAttempts: 3, days: 7 }),
      script: 'Bonjour {{civilite_nom}}, ici {{appelant}} de {{bailleur}}.',
      faq: JSON.stringify([{ question: 'Pourquoi ?', answer: 'Pour prendre des nouvelles.' }]),
      questionnaireVersionId: versionId,
      callersRestricted: 0,
      createdBy,
      createdAt: now,
      updatedAt: now,
      activatedAt: now,
      closedAt: null,
    })
    .execute()
  await db
    .insertInto('questionnaireVersion')
    .values({
      id: versionId,
      campaignId: id,
      version: 1,
      definition: JSON.stringify(
        options.questionnaire ?? {
          sections: [
            {
              id: 'main',
              title: 'Nouvelles',
              questions: [
                {
                  id: 'alone',
                  type: 'yes_no',
                  label: 'Vous sentez-vous seul·e ?',
                  required: true,
                  needIfYes: 'isolation',
                },
              ],
            },
            { id: 'loneliness', instrument: 'ucla3' },
          ],
        },
      ),
      createdBy,
      createdAt: now,
    })
    .execute()
  return { id, organizationId, createdBy, questionnaireVersionId: versionId }
}

/** A household with one valid phone, queued as a pending target of the campaign. */
export async function makeTarget(
  db: Db,
  campaign: { id: string; organizationId: string },
  options: {
    priority?: number
    household?: Partial<HouseholdTable>
    householdId?: string
    phones?: string[]
    /** A caller who holds the target now (a lease of an hour), as after a claim. */
    heldBy?: string
  } = {},
) {
  const householdId =
    options.householdId ??
    (await makeHousehold(db, { organizationId: campaign.organizationId, ...options.household })).id
  if (!options.householdId) {
    for (const [position, e164] of (options.phones ?? ['+33612345678']).entries()) {
      await db
        .insertInto('phone')
        .values({
          id: randomUUID(),
          householdId,
          organizationId: campaign.organizationId,
          memberId: null,
          position,
          raw: e164,
          e164,
          kind: 'mobile',
          isValid: 1,
        })
        .execute()
    }
  }
  const now = nowTimestamp()
  const target = {
    id: randomUUID(),
    campaignId: campaign.id,
    organizationId: campaign.organizationId,
    householdId,
    status: options.heldBy ? 'held' : 'pending',
    priority: options.priority ?? 50,
    priorityReasons: null,
    attempts: 0,
    nextAttemptAt: '2000-01-01T00:00:00.000Z',
    heldBy: options.heldBy ?? null,
    heldAt: options.heldBy ? now : null,
    leaseUntil: options.heldBy ? new Date(Date.now() + 3_600_000).toISOString() : null,
    lastDisposition: null,
    lastCalledAt: null,
    phonePosition: 0,
    preferredCallerId: null,
    followUpIntervalDays: null,
    followUpUntil: null,
    addedAt: now,
    removedAt: null,
    updatedAt: now,
  }
  await db.insertInto('campaignTarget').values(target).execute()
  return target
}

type CallTarget = { id: string; campaignId: string; householdId: string; organizationId: string }

/**
 * The row of a call recorded on a target (as the outcome route would write it, or an import of history): one
 * unanswered first attempt on the target's default phone, made now, with no questionnaire, note or duration. `fields`
 * overrides any column (a disposition, a time, answers, another id…). For rows inserted in bulk; `makeCall` inserts one.
 */
export function callRow(target: CallTarget, callerId: string, fields: Partial<CallTable> = {}): CallTable {
  return {
    id: sortableId(),
    campaignId: target.campaignId,
    targetId: target.id,
    householdId: target.householdId,
    organizationId: target.organizationId,
    callerId,
    attempt: 1,
    disposition: 'no_answer',
    phoneE164: '+33612345678',
    questionnaireVersionId: null,
    answers: null,
    scores: null,
    needs: null,
    fragilityLevel: null,
    notes: null,
    callbackAt: null,
    durationSeconds: null,
    idempotencyKey: randomUUID(),
    createdAt: nowTimestamp(),
    ...fields,
  }
}

/** A call recorded on a target (`callRow`), inserted. Returns the row as inserted. */
export async function makeCall(db: Db, target: CallTarget, callerId: string, fields: Partial<CallTable> = {}) {
  const row = callRow(target, callerId, fields)
  await db.insertInto('call').values(row).execute()
  return row
}

/**
 * An orientation as the referrals routes leave it, written directly: sent by `senderUserId` of `organizationId` to
 * its own organisation, consent given, due dates at its creation; `fields` override any column.
 */
export async function makeReferral(
  db: Db,
  referral: { householdId: string; organizationId: string; senderUserId: string; createdAt: string },
  fields: Partial<ReferralTable> = {},
) {
  const { householdId, organizationId, senderUserId, createdAt } = referral
  const row: ReferralTable = {
    id: randomUUID(),
    householdId,
    callId: null,
    senderOrganizationId: organizationId,
    senderUserId,
    recipientOrganizationId: organizationId,
    recipientTeam: 'Service social',
    assigneeId: null,
    category: 'isolation',
    urgency: 'routine',
    status: 'sent',
    summary: 'Synthèse',
    consentGiven: 1,
    consentRecordedAt: createdAt,
    overrideReason: null,
    outcome: null,
    dueAcceptBy: createdAt,
    dueResolveBy: createdAt,
    acceptedAt: null,
    closedAt: null,
    overdueNotifiedAt: null,
    createdAt,
    updatedAt: createdAt,
    ...fields,
  }
  await db.insertInto('referral').values(row).execute()
  return row
}
