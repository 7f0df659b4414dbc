import { randomUUID } from 'node:crypto'
import { deriveHouseholdFacts, householdSearchName } from '../../../shared/households.js'
import { normalizePhone } from '../../../shared/phones.js'
import type { Role } from '../../../shared/roles.js'
import { type Db, inTransaction } from '../../db/database.js'
import type { HouseholdTable, MemberTable, PhoneTable } from '../../db/schema.js'
import { nowTimestamp, toFlag } from '../../db/time.js'
import { generatePassword, hashPassword } from '../auth/passwords.js'
import { changeCampaignStatus, createCampaign } from '../campaigns/campaigns.service.js'
import { validateRule } from '../campaigns/targeting.js'
import * as imports from '../imports/imports.queries.js'
import * as organizations from '../organizations/organizations.queries.js'
import * as users from '../users/users.queries.js'
import {
  DEMO_NETWORK,
  DEMO_ORGANIZATIONS,
  type DemoHousehold,
  findCommune,
  generateHouseholds,
} from './demo.generator.js'
import { seedDemoHistory } from './demo.history.js'
import * as demo from './demo.queries.js'

export const DEMO_ACCOUNTS: ReadonlyArray<{ email: string; name: string; organization: string; role: Role }> = [
  { email: 'admin@demo.allervers.local', name: 'Anne Administratrice', organization: 'TDL', role: 'admin' },
  { email: 'manager@demo.allervers.local', name: 'Marc Chargé de campagne', organization: 'TDL', role: 'manager' },
  { email: 'caller@demo.allervers.local', name: 'Claire Appelante', organization: 'TDL', role: 'caller' },
  {
    email: 'social.worker@demo.allervers.local',
    name: 'Sonia Travailleuse sociale',
    organization: 'TDL',
    role: 'social_worker',
  },
  {
    email: 'partner@demo.allervers.local',
    name: 'Paul Partenaire (CCAS)',
    organization: 'CCAS-NANCY',
    role: 'partner',
  },
  { email: 'viewer@demo.allervers.local', name: 'Victor Directeur', organization: 'TDL', role: 'viewer' },
  { email: 'dpo@demo.allervers.local', name: 'Denise Déléguée (DPO)', organization: 'TDL', role: 'dpo' },
  { email: 'manager.mhs@demo.allervers.local', name: 'Martine Chargée (MHS)', organization: 'MHS', role: 'manager' },
  { email: 'caller.als@demo.allervers.local', name: 'Aline Bénévole (ALS)', organization: 'ALS', role: 'caller' },
]

export interface DemoAccount {
  email: string
  role: Role
  organization: string
  password: string
}

/** Turns one generated household into the rows of household, member and phone. */
export function demoHouseholdRows(source: DemoHousehold, organizationId: string, agencyId: string | null, now: string) {
  const id = randomUUID()
  const leaseholder = source.members[0]
  const facts = deriveHouseholdFacts(source.members)
  const household: HouseholdTable = {
    id,
    organizationId,
    agencyId,
    externalRef: source.externalRef,
    lastName: leaseholder.lastName,
    firstName: leaseholder.firstName,
    civility: source.civility,
    searchName: householdSearchName(leaseholder.lastName, leaseholder.firstName),
    birthDate: leaseholder.birthDate,
    oldestBirthDate: facts.oldestBirthDate,
    email: source.email,
    addressLine1: source.addressLine1,
    addressLine2: source.addressLine2,
    postcode: source.postcode,
    city: source.city,
    inseeCode: source.inseeCode,
    floor: source.floor,
    hasLift: toFlag(source.hasLift),
    occupants: facts.occupants,
    livesAlone: toFlag(facts.livesAlone),
    leaseStart: source.leaseStart,
    arrearsCents: source.arrearsCents,
    housingBenefit: toFlag(source.housingBenefit),
    supportProgramme: toFlag(source.supportProgramme),
    worksProgramme: source.worksProgramme,
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
  }
  const members: MemberTable[] = source.members.map((member, position) => ({
    id: randomUUID(),
    householdId: id,
    organizationId,
    position,
    isLeaseholder: position === 0 ? 1 : 0,
    lastName: member.lastName,
    firstName: member.firstName,
    birthDate: member.birthDate,
    role: member.role,
  }))
  const phones: PhoneTable[] = source.phones.map((raw, position) => {
    const phone = normalizePhone(raw)
    return {
      id: randomUUID(),
      householdId: id,
      organizationId,
      memberId: members[0].id,
      position,
      raw: phone.raw,
      e164: phone.e164,
      kind: phone.kind,
      isValid: toFlag(phone.isValid),
    }
  })
  return { household, members, phones }
}

/** Writes households in batches inside one transaction per batch of 1,000. */
export async function insertDemoHouseholds(
  db: Db,
  households: Iterable<DemoHousehold>,
  organizationId: string,
  agencyIds: Map<string, string>,
  onProgress?: (done: number) => void,
) {
  const now = nowTimestamp()
  let buffer: ReturnType<typeof demoHouseholdRows>[] = []
  let done = 0
  const flush = async () => {
    if (buffer.length === 0) return
    const batch = buffer
    buffer = []
    await inTransaction(db, async (tx) => {
      await imports.insertHouseholds(
        tx,
        batch.map((rows) => rows.household),
      )
      await imports.insertMembers(
        tx,
        batch.flatMap((rows) => rows.members),
      )
      await imports.insertPhones(
        tx,
        batch.flatMap((rows) => rows.phones),
      )
    })
    done += batch.length
    onProgress?.(done)
  }
  for (const household of households) {
    buffer.push(demoHouseholdRows(household, organizationId, agencyIds.get(household.agencyCode) ?? null, now))
    if (buffer.length >= 1000) await flush()
  }
  await flush()
  return done
}

/**
 * Seeds the demo network: organisations, agencies, one account per role (passwords generated now and returned once)
 * and `households` households shared between the two landlords. Running it again keeps the data and gives the demo
 * accounts new passwords, so the printed ones always work.
 */
export async function seedDemo(
  db: Db,
  options: { households: number; seed?: number; onProgress?: (done: number, total: number) => void },
) {
  const network =
    (await organizations.findNetworkByCode(db, DEMO_NETWORK.code)) ??
    (await organizations.createNetwork(db, DEMO_NETWORK))
  const organizationIds = new Map<string, string>()
  let createdHouseholds = 0
  let offset = 0
  for (const spec of DEMO_ORGANIZATIONS) {
    const organization =
      (await organizations.findOrganizationByCode(db, spec.code)) ??
      (await organizations.createOrganization(db, {
        networkId: network.id,
        code: spec.code,
        name: spec.name,
        type: spec.type,
        onCallContact: spec.onCallContact ?? null,
      }))
    organizationIds.set(spec.code, organization.id)
    const agencyIds = new Map<string, string>()
    for (const agency of spec.agencies) {
      const existing = await organizations.findAgencyByCode(db, organization.id, agency.code)
      const row =
        existing ??
        (await organizations.createAgency(db, {
          organizationId: organization.id,
          code: agency.code,
          name: agency.name,
          inseeCode: findCommune(agency.commune).inseeCode,
        }))
      agencyIds.set(agency.code, row.id)
    }
    if (spec.share === 0) continue
    if (await demo.hasHouseholds(db, organization.id)) continue
    const count = Math.round(options.households * spec.share)
    const base = createdHouseholds
    createdHouseholds += await insertDemoHouseholds(
      db,
      generateHouseholds(spec, count, { seed: options.seed, offset }),
      organization.id,
      agencyIds,
      (done) => options.onProgress?.(base + done, options.households),
    )
    offset += count
  }

  const accounts: DemoAccount[] = []
  const userIds = new Map<string, string>()
  for (const account of DEMO_ACCOUNTS) {
    const password = generatePassword()
    const passwordHash = await hashPassword(password)
    const existing = await users.findUserByEmail(db, account.email)
    const userId = existing
      ? existing.id
      : (await users.insertUser(db, { email: account.email, name: account.name, passwordHash })).id
    if (existing) await users.updatePasswordHash(db, userId, passwordHash)
    userIds.set(account.email, userId)
    await users.upsertMembership(db, {
      userId,
      organizationId: organizationIds.get(account.organization)!,
      role: account.role,
    })
    accounts.push({ email: account.email, role: account.role, organization: account.organization, password })
  }
  const campaignsCreated = await seedDemoCampaigns(db, organizationIds, accounts, userIds)
  return { accounts, createdHouseholds, campaignsCreated }
}

/**
 * A running well-being campaign for the first landlord (callable at any hour, so the demo works at night) and a
 * heat-wave draft for the second: enough for every role to see something real.
 */
async function seedDemoCampaigns(
  db: Db,
  organizationIds: Map<string, string>,
  accounts: DemoAccount[],
  userIds: Map<string, string>,
) {
  if (await demo.hasCampaigns(db)) return 0
  const idOf = (email: string) => userIds.get(email)!
  const managerOf = (organization: string) =>
    accounts.find((a) => a.organization === organization && a.role === 'manager')!.email
  const crisis = await createCampaign(db, {
    organizationId: organizationIds.get('TDL')!,
    createdBy: idOf(managerOf('TDL')),
    name: 'Prise de nouvelles — seniors isolés (démo)',
    type: 'crisis_check',
    callingHours: 'always',
  })
  await changeCampaignStatus(db, crisis, 'activate', validateRule(JSON.parse(crisis.targeting)))
  // Three weeks of past calls, referrals and feedback, so that the review (/bilan) has something to show.
  const accountId = (organization: string, role: Role) =>
    idOf(accounts.find((a) => a.organization === organization && a.role === role)!.email)
  await seedDemoHistory(db, {
    campaignId: crisis.id,
    organizationId: organizationIds.get('TDL')!,
    partnerOrganizationId: organizationIds.get('CCAS-NANCY')!,
    managerId: accountId('TDL', 'manager'),
    socialWorkerId: accountId('TDL', 'social_worker'),
    partnerUserId: accountId('CCAS-NANCY', 'partner'),
    callerIds: [accountId('TDL', 'caller')],
    volunteers: 6,
  })
  await createCampaign(db, {
    organizationId: organizationIds.get('MHS')!,
    createdBy: idOf(managerOf('MHS')),
    name: 'Canicule — vigilance (brouillon de démo)',
    type: 'heat_wave',
  })
  return 2
}
