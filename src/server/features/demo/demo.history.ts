/**
 * Three weeks of past activity for the demo's running campaign, so that the review (/bilan) shows something real:
 * calls on every weekday (Europe/Paris hours), interviews with needs, fragility levels and scale results, households
 * marked unreachable, referrals at every stage, and the callers' end-of-session feedback.
 *
 * Deterministic for a seed. Only a third of the campaign's targets get a history: the others stay due, so the demo
 * caller still has households to call today.
 */
import { randomUUID } from 'node:crypto'
import type { DateTime } from 'luxon'
import { inParis, parisDayOf } from '../../../shared/clock.js'
import { type Db, inTransaction } from '../../db/database.js'
import type { CallerFeedbackTable, CallTable, ReferralEventTable, ReferralTable } from '../../db/schema.js'
import { generatePassword, hashPassword } from '../auth/passwords.js'
import { findCampaignById } from '../campaigns/campaigns.queries.js'
import * as users from '../users/users.queries.js'
import { createRandom, type Random } from './demo.generator.js'
import * as demo from './demo.queries.js'

const NEEDS = [
  'isolation',
  'health_autonomy',
  'food',
  'finances_arrears',
  'income_loss',
  'admin_digital',
  'housing_repair',
]
const FRAGILITY: Array<[string, number]> = [
  ['none', 0.45],
  ['watch', 0.3],
  ['fragile', 0.17],
  ['high_vulnerability', 0.08],
]
const FIRST_ATTEMPTS: Array<[string, number]> = [
  ['no_answer', 0.55],
  ['voicemail', 0.3],
  ['busy', 0.1],
  ['wrong_number', 0.05],
]
const COMMENTS = [
  'Des personnes très contentes qu’on prenne de leurs nouvelles.',
  'Un appel difficile : une dame très seule, j’aurais aimé en parler.',
  'Le script aide beaucoup pour commencer.',
  'Beaucoup de messageries en début d’après-midi.',
]

function weighted(random: Random, table: Array<[string, number]>) {
  let roll = random.next()
  for (const [value, weight] of table) {
    roll -= weight
    if (roll <= 0) return value
  }
  return table[table.length - 1]![0]
}

function scoresFor(random: Random) {
  const result = (score: number, category: string) => ({ score, category, complete: true })
  const scores: Record<string, unknown> = {}
  if (random.chance(0.8)) scores.ucla3 = random.chance(0.3) ? result(7, 'lonely') : result(4, 'not_lonely')
  if (random.chance(0.5)) scores.lsns6 = random.chance(0.25) ? result(9, 'at_risk') : result(18, 'not_at_risk')
  if (random.chance(0.4))
    scores.usda6 = random.pick([result(0, 'high_or_marginal'), result(3, 'low'), result(6, 'very_low')])
  return scores
}

const HOURS = [9, 10, 11, 14, 15, 16, 17, 18]

/** A weekday among the last `days` Paris days (today excluded), at a Paris hour within the default calling windows. */
function firstCallTime(random: Random, now: DateTime, days: number): DateTime {
  for (;;) {
    const day = now.minus({ days: random.integer(2, days) })
    if (day.weekday <= 5) return day.set({ hour: random.pick(HOURS)!, minute: random.integer(0, 59), second: 0 })
  }
}

/** The next attempt one to three days later, or null when that would be today or later. */
function nextCallTime(random: Random, now: DateTime, after: DateTime): DateTime | null {
  const next = after
    .plus({ days: random.integer(1, 3) })
    .set({ hour: random.pick(HOURS)!, minute: random.integer(0, 59) })
  return next < now.startOf('day') ? next : null
}

export interface DemoHistoryOptions {
  campaignId: string
  organizationId: string
  /** Where referrals go: a partner (CCAS) and the organisation's own social team. */
  partnerOrganizationId: string
  managerId: string
  socialWorkerId: string
  partnerUserId: string
  callerIds: string[]
  /** Volunteer callers added to the organisation (accounts nobody signs in with), so the callers' panel has a crowd. */
  volunteers?: number
  seed?: number
  days?: number
  now?: Date
}

/** Seeds the history; returns how many calls, referrals and feedback answers it wrote. */
export async function seedDemoHistory(db: Db, options: DemoHistoryOptions) {
  const random = createRandom(options.seed ?? 2020)
  const days = options.days ?? 21
  const now = inParis(options.now ?? new Date())
  const iso = (at: DateTime) => at.toUTC().toISO() as string
  const campaign = await findCampaignById(db, [options.organizationId], options.campaignId)
  if (!campaign) throw new Error(`No campaign ${options.campaignId} in organisation ${options.organizationId}`)
  const targets = await demo.listPendingTargets(db, options.campaignId)
  const chosen = targets.filter((_, index) => index % 3 === 1).slice(0, 400)
  const callerIds = [...options.callerIds]
  if (options.volunteers) {
    const passwordHash = await hashPassword(generatePassword())
    for (let index = 1; index <= options.volunteers; index++) {
      const email = `benevole${index}@demo.allervers.local`
      const existing = await users.findUserByEmail(db, email)
      const id =
        existing?.id ?? (await users.insertUser(db, { email, name: `Bénévole ${index} (démo)`, passwordHash })).id
      await users.upsertMembership(db, { userId: id, organizationId: options.organizationId, role: 'caller' })
      callerIds.push(id)
    }
  }

  const calls: CallTable[] = []
  const referrals: ReferralTable[] = []
  const events: ReferralEventTable[] = []
  const targetUpdates: Array<{ id: string; householdId: string; status: string; attempts: number; last: CallTable }> =
    []
  const householdUpdates: Array<{ id: string; fragilityLevel: string | null; lastContactedAt: string }> = []

  for (const target of chosen) {
    const attempts = random.integer(1, 3)
    let at: DateTime | null = firstCallTime(random, now, days)
    const made: CallTable[] = []
    for (let attempt = 1; attempt <= attempts && at; attempt++) {
      const isLast = attempt === attempts
      const roll = random.next()
      const disposition = !isLast
        ? weighted(random, FIRST_ATTEMPTS)
        : roll < 0.62
          ? 'completed'
          : roll < 0.7
            ? 'refused'
            : roll < 0.75
              ? 'callback'
              : weighted(random, FIRST_ATTEMPTS)
      const completed = disposition === 'completed'
      const fragilityLevel = completed ? weighted(random, FRAGILITY) : null
      const needs = completed
        ? [
            ...new Set(
              Array.from({ length: random.integer(0, fragilityLevel === 'none' ? 1 : 3) }, () => random.pick(NEEDS)!),
            ),
          ]
        : []
      made.push({
        id: randomUUID(),
        campaignId: options.campaignId,
        targetId: target.id,
        householdId: target.householdId,
        organizationId: options.organizationId,
        callerId: random.pick(callerIds)!,
        attempt,
        disposition,
        phoneE164: null,
        questionnaireVersionId: completed ? campaign.questionnaireVersionId : null,
        answers: completed ? '{}' : null,
        scores: completed ? JSON.stringify(scoresFor(random)) : null,
        needs: completed && needs.length ? JSON.stringify(needs) : null,
        fragilityLevel,
        notes: null,
        callbackAt: disposition === 'callback' ? iso(now.plus({ days: random.integer(1, 5) }).set({ hour: 10 })) : null,
        durationSeconds: completed ? random.integer(240, 1500) : random.integer(15, 90),
        idempotencyKey: randomUUID(),
        createdAt: iso(at),
      })
      at = nextCallTime(random, now, at)
    }
    calls.push(...made)
    const last = made[made.length - 1]!
    const status =
      last.disposition === 'completed' || last.disposition === 'refused'
        ? 'completed'
        : last.disposition === 'wrong_number' || (made.length >= 3 && last.disposition !== 'callback')
          ? 'unreachable'
          : 'scheduled'
    targetUpdates.push({ id: target.id, householdId: target.householdId, status, attempts: made.length, last })
    if (last.disposition === 'completed') {
      householdUpdates.push({
        id: target.householdId,
        fragilityLevel: last.fragilityLevel,
        lastContactedAt: last.createdAt,
      })
    }

    // Referrals for the more fragile households with a need, at every stage of their life.
    const need = last.needs ? (JSON.parse(last.needs) as string[])[0] : undefined
    if (need && (last.fragilityLevel === 'fragile' || last.fragilityLevel === 'high_vulnerability')) {
      const sentAt = inParis(last.createdAt).plus({ minutes: 20 })
      const toPartner = need === 'food' || need === 'isolation' || random.chance(0.3)
      const stage = random.pick(['sent', 'accepted', 'in_progress', 'done', 'done', 'done'])!
      const acceptedAt = stage === 'sent' ? null : sentAt.plus({ hours: random.integer(1, 40) })
      const closedAt = stage === 'done' ? acceptedAt!.plus({ hours: random.integer(12, 200) }) : null
      const due = sentAt.plus({ days: 7 })
      const id = randomUUID()
      const recipientUser = toPartner ? options.partnerUserId : options.socialWorkerId
      referrals.push({
        id,
        householdId: target.householdId,
        callId: last.id,
        senderOrganizationId: options.organizationId,
        senderUserId: last.callerId,
        recipientOrganizationId: toPartner ? options.partnerOrganizationId : options.organizationId,
        recipientTeam: toPartner ? null : 'Service social',
        assigneeId: acceptedAt ? recipientUser : null,
        category: need,
        urgency: 'within_7_days',
        status: stage,
        summary: 'Situation repérée lors d’un appel de prise de nouvelles (donnée de démonstration).',
        consentGiven: 1,
        consentRecordedAt: iso(sentAt),
        overrideReason: null,
        outcome: closedAt ? 'Accompagnement mis en place (démonstration).' : null,
        dueAcceptBy: iso(sentAt.plus({ days: 2 })),
        dueResolveBy: iso(due),
        acceptedAt: acceptedAt ? iso(clampToPast(acceptedAt, now, 60)) : null,
        closedAt: closedAt ? iso(clampToPast(closedAt, now, 30)) : null,
        overdueNotifiedAt: null,
        createdAt: iso(sentAt),
        updatedAt: iso(sentAt),
      })
      const referral = referrals[referrals.length - 1]!
      const event = (kind: string, from: string | null, to: string | null, actor: string, atIso: string) =>
        events.push({
          id: randomUUID(),
          referralId: id,
          actorUserId: actor,
          actorOrganizationId: actor === last.callerId ? options.organizationId : referral.recipientOrganizationId,
          kind,
          fromStatus: from,
          toStatus: to,
          note: null,
          createdAt: atIso,
        })
      event('created', null, 'sent', last.callerId, referral.createdAt)
      if (referral.acceptedAt) event('transition', 'sent', 'accepted', recipientUser, referral.acceptedAt)
      if (stage === 'in_progress' || stage === 'done') {
        event('transition', 'accepted', 'in_progress', recipientUser, referral.acceptedAt!)
      }
      if (referral.closedAt) event('transition', 'in_progress', 'done', recipientUser, referral.closedAt)
      referral.updatedAt = referral.closedAt ?? referral.acceptedAt ?? referral.createdAt
    }
  }

  // Feedback: about one end-of-session answer per caller and calling day.
  const feedback: CallerFeedbackTable[] = []
  const nowIso = iso(now)
  const sessions = new Set(calls.map((call) => `${call.callerId}|${parisDayOf(call.createdAt)}`))
  for (const session of [...sessions].sort()) {
    if (!random.chance(0.6)) continue
    const [callerId, day] = session.split('|') as [string, string]
    const debrief = random.chance(0.05)
    // Drawn in the order they always were: the demo stays the same for a seed and a day.
    const meaningful = weightedScore(random, [0.02, 0.05, 0.13, 0.4, 0.4])
    const useful = weightedScore(random, [0.03, 0.07, 0.2, 0.4, 0.3])
    const comment = random.chance(0.2) ? random.pick(COMMENTS)! : null
    const isHandled = debrief && random.chance(0.5)
    const createdAt = `${day}T17:30:00.000Z`
    // Held an hour after being asked for; for a session of today, not after now (nor before the answer).
    const heldAt = `${day}T18:30:00.000Z`
    const handledAt = heldAt <= nowIso ? heldAt : nowIso < createdAt ? createdAt : nowIso
    feedback.push({
      id: randomUUID(),
      organizationId: options.organizationId,
      campaignId: options.campaignId,
      callerId,
      meaningful,
      useful,
      comment,
      debriefRequested: debrief ? 1 : 0,
      // Half the debriefs asked for are held; one is pending while it has no handling time.
      debriefHandledBy: isHandled ? options.managerId : null,
      debriefHandledAt: isHandled ? handledAt : null,
      createdAt,
    })
  }

  const activatedAt = iso(now.minus({ days: days + 1 }).set({ hour: 9, minute: 0 }))
  await inTransaction(db, (tx) =>
    demo.insertHistory(tx, {
      campaignId: options.campaignId,
      activatedAt,
      calls,
      referrals,
      events,
      feedback,
      targets: targetUpdates.map((update) => ({
        id: update.id,
        status: update.status,
        attempts: update.attempts,
        lastDisposition: update.last.disposition,
        lastCalledAt: update.last.createdAt,
        nextAttemptAt:
          update.status === 'scheduled'
            ? (update.last.callbackAt ?? iso(now.plus({ hours: random.integer(2, 48) })))
            : update.last.createdAt,
      })),
      households: householdUpdates,
    }),
  )
  return { calls: calls.length, referrals: referrals.length, feedback: feedback.length }
}

/** A moment no later than `minutes` before now. */
function clampToPast(at: DateTime, now: DateTime, minutes: number) {
  const limit = now.minus({ minutes })
  return at < limit ? at : limit
}

function weightedScore(random: Random, weights: number[]) {
  return Number(
    weighted(
      random,
      weights.map((weight, index) => [String(index + 1), weight]),
    ),
  )
}
