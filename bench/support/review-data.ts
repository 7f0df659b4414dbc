// Synthetic data for the review (bilan) benchmarks: a network of landlords with households, agencies, campaigns,
// callers, calls (with scores, needs, fragility), referrals and caller feedback. Deterministic for a given seed.
// Used by bench/stats.bench.ts and the export benchmarks.

import { randomUUID } from 'node:crypto'
import { bulkInsert } from '../../src/server/db/bulk.js'
import { type Db, inTransaction } from '../../src/server/db/database.js'
import type {
  CallerFeedbackTable,
  CallTable,
  CampaignTargetTable,
  HouseholdTable,
  PhoneTable,
  ReferralTable,
} from '../../src/server/db/schema.js'
import { createRandom } from '../../src/server/features/demo/demo.generator.js'
import { createAgency } from '../../src/server/features/organizations/organizations.queries.js'
import { householdSearchName } from '../../src/shared/households.js'
import { makeCampaign, makeOrganization, makeUser } from '../../test/factories.js'

export interface ReviewData {
  networkId: string
  /** The landlords whose households are called (codes and ids), then the partner that receives referrals. */
  organizations: Array<{ id: string; code: string }>
  partner: { id: string; code: string }
  agencies: Array<{ id: string; code: string; organizationId: string }>
  campaigns: Array<{ id: string; organizationId: string }>
  /** A manager and a viewer per landlord, for route-level checks. */
  managers: Array<{ id: string; organizationId: string; email: string; password: string }>
  callers: string[]
  /** The Europe/Paris days the calls span (inclusive). */
  period: { from: string; to: string }
  counts: { households: number; targets: number; calls: number; referrals: number; feedback: number }
}

const LANDLORDS = 4
const CALLERS_PER_LANDLORD = 25
const DISPOSITIONS: Array<[string, number]> = [
  ['completed', 0.25],
  ['no_answer', 0.35],
  ['voicemail', 0.18],
  ['busy', 0.05],
  ['refused', 0.05],
  ['callback', 0.06],
  ['wrong_number', 0.03],
  ['not_in_service', 0.02],
  ['other', 0.01],
]
const NEEDS = ['isolation', 'health_autonomy', 'food', 'finances_arrears', 'income_loss', 'admin_digital']
const FRAGILITY = ['none', 'none', 'watch', 'watch', 'fragile', 'high_vulnerability']
const STREETS = ['rue des Lilas', 'avenue de la Libération', 'rue Jeanne d’Arc', 'place Stanislas', 'rue de l’Église']
const NAMES = ['Martin', 'Bernard', 'Thomas', 'Petit', 'Robert', 'Richard', 'Durand', 'Dubois', 'Moreau', 'Laurent']
const PERIOD = { from: '2026-08-01', to: '2026-11-15' }
// UTC bounds of the period in Paris time (summer time until 25 October).
const PERIOD_START = Date.parse('2026-07-31T22:00:00.000Z')
const PERIOD_END = Date.parse('2026-11-15T23:00:00.000Z')

function pickWeighted(random: ReturnType<typeof createRandom>, table: Array<[string, number]>) {
  let roll = random.next()
  for (const [value, weight] of table) {
    roll -= weight
    if (roll <= 0) return value
  }
  return table[table.length - 1]![0]
}

function scoresFor(random: ReturnType<typeof createRandom>) {
  const scores: Record<string, unknown> = {}
  const result = (category: string, score: number) => ({ score, category, complete: true })
  if (random.chance(0.8)) scores.ucla3 = random.chance(0.3) ? result('lonely', 7) : result('not_lonely', 4)
  if (random.chance(0.6)) scores.lsns6 = random.chance(0.25) ? result('at_risk', 9) : result('not_at_risk', 18)
  if (random.chance(0.5))
    scores.epices = random.chance(0.4) ? result('precarious', 45.5) : result('not_precarious', 20.1)
  if (random.chance(0.4)) scores.frail = random.pick([result('robust', 0), result('pre_frail', 2), result('frail', 3)])
  if (random.chance(0.5))
    scores.usda6 = random.pick([result('high_or_marginal', 0), result('low', 3), result('very_low', 6)])
  return scores
}

/**
 * Seeds `households` households spread over four landlords (5% of the second landlord's homes are also in the
 * first's file, as happens when a home is known to two organisations), two campaigns per landlord, and `calls`
 * calls between PERIOD.from and PERIOD.to, with referrals (about 2% of completed calls) and feedback.
 */
export async function seedReviewData(
  db: Db,
  options: { households: number; calls: number; seed?: number; log?: (line: string) => void },
): Promise<ReviewData> {
  const random = createRandom(options.seed ?? 11)
  const log = options.log ?? (() => {})
  const suffix = randomUUID().slice(0, 6)
  const now = new Date().toISOString()
  const organizations: ReviewData['organizations'] = []
  const agencies: ReviewData['agencies'] = []
  const managers: ReviewData['managers'] = []
  const callersByOrganization = new Map<string, string[]>()
  let networkId = ''
  for (let index = 0; index < LANDLORDS; index++) {
    const organization = await makeOrganization(db, { code: `bilan-${index + 1}-${suffix}`, type: 'landlord' })
    networkId = organization.networkId
    organizations.push({ id: organization.id, code: organization.code })
    for (const code of ['nord', 'sud']) {
      const agency = await createAgency(db, { organizationId: organization.id, code, name: `Agence ${code}` })
      agencies.push({ id: agency.id, code, organizationId: organization.id })
    }
    const manager = await makeUser(db, 'manager', { organizationId: organization.id })
    managers.push({ id: manager.id, organizationId: organization.id, email: manager.email, password: manager.password })
    const callers: string[] = []
    for (let caller = 0; caller < CALLERS_PER_LANDLORD; caller++)
      callers.push((await makeUser(db, 'caller', { organizationId: organization.id })).id)
    callersByOrganization.set(organization.id, callers)
  }
  const partnerOrganization = await makeOrganization(db, { code: `bilan-partenaire-${suffix}`, type: 'partner' })
  const partner = { id: partnerOrganization.id, code: partnerOrganization.code }
  const partnerUser = await makeUser(db, 'partner', { organizationId: partner.id })

  // Households, one phone each.
  const householdIds: string[] = new Array(options.households)
  const householdOrganization: number[] = new Array(options.households)
  const perOrganization = Math.ceil(options.households / LANDLORDS)
  const firstOrganizationHomes: Array<{ postcode: string; address: string; lastName: string }> = []
  let started = Date.now()
  for (let start = 0; start < options.households; start += 5000) {
    const households: HouseholdTable[] = []
    const phones: PhoneTable[] = []
    for (let index = start; index < Math.min(options.households, start + 5000); index++) {
      const organizationIndex = Math.min(LANDLORDS - 1, Math.floor(index / perOrganization))
      const organizationId = organizations[organizationIndex]!.id
      const agency = agencies[organizationIndex * 2 + (index % 2)]!
      let home = {
        postcode: `54${String(random.integer(0, 999)).padStart(3, '0')}`,
        address: `${random.integer(1, 400)} ${random.pick(STREETS)}`,
        lastName: random.pick(NAMES),
      }
      if (organizationIndex === 0 && firstOrganizationHomes.length < perOrganization) firstOrganizationHomes.push(home)
      // The same home in two organisations' files (the network review counts it once).
      if (organizationIndex === 1 && random.chance(0.05) && firstOrganizationHomes.length)
        home = random.pick(firstOrganizationHomes)
      const id = randomUUID()
      householdIds[index] = id
      householdOrganization[index] = organizationIndex
      households.push({
        id,
        organizationId,
        agencyId: agency.id,
        externalRef: `BIL-${index}`,
        lastName: home.lastName,
        firstName: 'Essai',
        searchName: householdSearchName(home.lastName, 'Essai'),
        birthDate: `19${random.integer(20, 70)}-0${random.integer(1, 9)}-1${random.integer(0, 9)}`,
        oldestBirthDate: null,
        email: null,
        addressLine1: home.address,
        addressLine2: null,
        postcode: home.postcode,
        city: 'Nancy',
        inseeCode: '54395',
        floor: random.integer(0, 8),
        hasLift: random.chance(0.5) ? 1 : 0,
        occupants: random.integer(1, 5),
        livesAlone: random.chance(0.4) ? 1 : 0,
        leaseStart: null,
        arrearsCents: random.chance(0.2) ? random.integer(1, 200_000) : 0,
        housingBenefit: random.chance(0.5) ? 1 : 0,
        supportProgramme: random.chance(0.1) ? 1 : 0,
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
      })
      phones.push({
        id: randomUUID(),
        householdId: id,
        organizationId,
        memberId: null,
        position: 0,
        raw: `06${random.digits(8)}`,
        e164: `+336${random.digits(8)}`,
        kind: 'mobile',
        isValid: 1,
      })
    }
    await inTransaction(db, async (tx) => {
      await bulkInsert(tx, 'household', households)
      await bulkInsert(tx, 'phone', phones)
    })
  }
  log(`households: ${options.households} in ${((Date.now() - started) / 1000).toFixed(1)} s`)

  // Two campaigns per landlord: the first targets every household, the second every other one.
  const campaigns: ReviewData['campaigns'] = []
  const targets: Array<{ id: string; campaign: number; household: number }> = []
  for (const [organizationIndex, organization] of organizations.entries()) {
    for (let second = 0; second < 2; second++) {
      const campaign = await makeCampaign(db, {
        organizationId: organization.id,
        createdBy: managers[organizationIndex]!.id,
        status: second ? 'active' : 'closed',
      })
      await db
        .updateTable('campaign')
        .set({
          activatedAt: second ? '2026-09-01T07:00:00.000Z' : '2026-07-31T22:00:00.000Z',
          closedAt: second ? null : '2026-11-15T22:00:00.000Z',
        })
        .where('id', '=', campaign.id)
        .execute()
      campaigns.push({ id: campaign.id, organizationId: organization.id })
    }
  }
  started = Date.now()
  const targetRows: CampaignTargetTable[] = []
  const flushTargets = async () => {
    if (targetRows.length) await bulkInsert(db, 'campaignTarget', targetRows.splice(0))
  }
  for (let index = 0; index < options.households; index++) {
    const organizationIndex = householdOrganization[index]!
    for (let second = 0; second < 2; second++) {
      if (second && index % 2) continue
      const campaignIndex = organizationIndex * 2 + second
      const target = { id: randomUUID(), campaign: campaignIndex, household: index }
      targets.push(target)
      targetRows.push({
        id: target.id,
        campaignId: campaigns[campaignIndex]!.id,
        organizationId: organizations[organizationIndex]!.id,
        householdId: householdIds[index]!,
        status: 'pending',
        priority: random.integer(0, 100),
        priorityReasons: null,
        attempts: 0,
        nextAttemptAt: now,
        heldBy: null,
        leaseUntil: null,
        lastDisposition: null,
        lastCalledAt: null,
        phonePosition: 0,
        preferredCallerId: null,
        followUpIntervalDays: null,
        followUpUntil: null,
        addedAt: now,
        removedAt: random.chance(0.01) ? now : null,
        updatedAt: now,
      })
      if (targetRows.length >= 10_000) await flushTargets()
    }
  }
  await flushTargets()
  log(`targets: ${targets.length} in ${((Date.now() - started) / 1000).toFixed(1)} s`)

  // Calls, spread over the period (the second campaign from its activation).
  started = Date.now()
  const attempts = new Uint16Array(targets.length)
  const reached = new Uint8Array(targets.length)
  const completedCalls: Array<{ id: string; target: number; at: number }> = []
  let callRows: CallTable[] = []
  const flushCalls = async () => {
    const rows = callRows
    callRows = []
    if (rows.length) await inTransaction(db, (tx) => bulkInsert(tx, 'call', rows))
  }
  const secondStart = Date.parse('2026-09-01T07:00:00.000Z')
  for (let index = 0; index < options.calls; index++) {
    const targetIndex = random.integer(0, targets.length - 1)
    const target = targets[targetIndex]!
    const organizationId = organizations[Math.floor(target.campaign / 2)]!.id
    const callers = callersByOrganization.get(organizationId)!
    const startAt = target.campaign % 2 ? secondStart : PERIOD_START
    const at = startAt + Math.floor(random.next() * (PERIOD_END - startAt))
    const disposition = pickWeighted(random, DISPOSITIONS)
    const isCompleted = disposition === 'completed'
    attempts[targetIndex] = (attempts[targetIndex] ?? 0) + 1
    const id = randomUUID()
    if (isCompleted) {
      reached[targetIndex] = 1
      completedCalls.push({ id, target: targetIndex, at })
    }
    const needs = isCompleted && random.chance(0.3) ? [random.pick(NEEDS)] : []
    if (needs.length && random.chance(0.3)) needs.push(random.pick(NEEDS))
    callRows.push({
      id,
      campaignId: campaigns[target.campaign]!.id,
      targetId: target.id,
      householdId: householdIds[target.household]!,
      organizationId,
      callerId: random.pick(callers),
      attempt: attempts[targetIndex]!,
      disposition,
      phoneE164: '+33612345678',
      questionnaireVersionId: null,
      answers: isCompleted ? '{}' : null,
      scores: isCompleted ? JSON.stringify(scoresFor(random)) : null,
      needs: needs.length ? JSON.stringify([...new Set(needs)]) : null,
      fragilityLevel: isCompleted ? random.pick(FRAGILITY) : null,
      notes: null,
      callbackAt: null,
      durationSeconds: isCompleted ? random.integer(120, 1800) : random.integer(5, 60),
      idempotencyKey: id,
      createdAt: new Date(at).toISOString(),
    })
    if (callRows.length >= 20_000) {
      await flushCalls()
      if ((index + 1) % 200_000 === 0) log(`calls: ${index + 1}…`)
    }
  }
  await flushCalls()
  log(`calls: ${options.calls} in ${((Date.now() - started) / 1000).toFixed(1)} s`)

  // Target statuses from their calls: reached → completed; some never reached → unreachable.
  started = Date.now()
  const byStatus = new Map<string, string[]>()
  for (const [index, target] of targets.entries()) {
    const status = reached[index] ? 'completed' : attempts[index]! >= 3 || random.chance(0.02) ? 'unreachable' : null
    if (!status) continue
    const list = byStatus.get(status) ?? []
    list.push(target.id)
    byStatus.set(status, list)
  }
  for (const [status, ids] of byStatus) {
    for (let start = 0; start < ids.length; start += 5000) {
      await db
        .updateTable('campaignTarget')
        .set({ status })
        .where('id', 'in', ids.slice(start, start + 5000))
        .execute()
    }
  }
  log(`target statuses in ${((Date.now() - started) / 1000).toFixed(1)} s`)

  // Referrals from about 2% of completed calls, half to the partner; known timings.
  const referralRows: ReferralTable[] = []
  for (const call of completedCalls) {
    if (!random.chance(0.02)) continue
    const target = targets[call.target]!
    const sender = organizations[Math.floor(target.campaign / 2)]!
    const toPartner = random.chance(0.5)
    const status = random.pick(['sent', 'accepted', 'in_progress', 'done', 'done', 'rejected'])
    const createdAt = call.at + 60_000
    const acceptedAt = status === 'sent' || status === 'rejected' ? null : createdAt + random.integer(1, 96) * 3_600_000
    const closedAt =
      status === 'done' ? acceptedAt! + random.integer(1, 500) * 3_600_000 : status === 'rejected' ? createdAt : null
    referralRows.push({
      id: randomUUID(),
      householdId: householdIds[target.household]!,
      callId: call.id,
      senderOrganizationId: sender.id,
      senderUserId: managers[Math.floor(target.campaign / 2)]!.id,
      recipientOrganizationId: toPartner ? partner.id : sender.id,
      recipientTeam: toPartner ? null : 'Service social',
      assigneeId: null,
      category: random.pick(NEEDS),
      urgency: 'within_7_days',
      status,
      summary: 'Situation décrite par l’appelant (données synthétiques).',
      consentGiven: 1,
      consentRecordedAt: new Date(createdAt).toISOString(),
      overrideReason: null,
      outcome: status === 'done' ? 'Aide mise en place' : null,
      dueAcceptBy: new Date(createdAt + 72 * 3_600_000).toISOString(),
      dueResolveBy: new Date(createdAt + 14 * 24 * 3_600_000).toISOString(),
      acceptedAt: acceptedAt === null ? null : new Date(acceptedAt).toISOString(),
      closedAt: closedAt === null ? null : new Date(closedAt).toISOString(),
      overdueNotifiedAt: null,
      createdAt: new Date(createdAt).toISOString(),
      updatedAt: new Date(closedAt ?? acceptedAt ?? createdAt).toISOString(),
    })
  }
  await bulkInsert(db, 'referral', referralRows)

  // Feedback: about one answer per 200 calls.
  const feedbackRows: CallerFeedbackTable[] = []
  for (let index = 0; index < Math.ceil(options.calls / 200); index++) {
    const campaignIndex = random.integer(0, campaigns.length - 1)
    const campaign = campaigns[campaignIndex]!
    const debrief = random.chance(0.05)
    feedbackRows.push({
      id: randomUUID(),
      organizationId: campaign.organizationId,
      campaignId: campaign.id,
      callerId: random.pick(callersByOrganization.get(campaign.organizationId)!),
      meaningful: random.integer(1, 5),
      useful: random.integer(1, 5),
      comment: random.chance(0.2) ? 'Appels parfois difficiles, mais utiles.' : null,
      debriefRequested: debrief ? 1 : 0,
      debriefHandledBy: debrief && random.chance(0.5) ? managers[Math.floor(campaignIndex / 2)]!.id : null,
      debriefHandledAt: null,
      createdAt: new Date(PERIOD_START + Math.floor(random.next() * (PERIOD_END - PERIOD_START))).toISOString(),
    })
  }
  for (const row of feedbackRows) if (row.debriefHandledBy) row.debriefHandledAt = row.createdAt
  await bulkInsert(db, 'callerFeedback', feedbackRows)
  void partnerUser

  return {
    networkId,
    organizations,
    partner,
    agencies,
    campaigns,
    managers,
    callers: [...callersByOrganization.values()].flat(),
    period: PERIOD,
    counts: {
      households: options.households,
      targets: targets.length,
      calls: options.calls,
      referrals: referralRows.length,
      feedback: feedbackRows.length,
    },
  }
}
