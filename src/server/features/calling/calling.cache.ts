/**
 * What the claim and the outcome read on every call and that rarely or never changes, kept in this process:
 * questionnaire versions (immutable), small JSON settings parsed once per distinct text, campaigns (checked
 * against the stored row's version on each use), and what a claim read for the outcome that follows it (checked by
 * the outcome's write). Every map is bounded.
 */
import type { CallingHours, FrequencyCap } from '../../../shared/campaigns.js'
import type { QuestionnaireDefinition } from '../../../shared/questionnaire.js'
import type { Db } from '../../db/database.js'
import type { CampaignTable } from '../../db/schema.js'
import { findCampaignById, findQuestionnaireVersion } from '../campaigns/campaigns.queries.js'
import { findCampaignVersion } from './claim.queries.js'
import type { OutcomeGuard } from './outcome.queries.js'

const LIMIT = 1000

// Questionnaire versions never change once written: caching them by id is always correct.
type QuestionnaireVersion = NonNullable<Awaited<ReturnType<typeof findQuestionnaireVersion>>>
const questionnaireVersions = new Map<string, Promise<QuestionnaireVersion | undefined>>()

export function cachedQuestionnaireVersion(db: Db, versionId: string) {
  let version = questionnaireVersions.get(versionId)
  if (!version) {
    version = findQuestionnaireVersion(db, versionId)
    // A failed read is not remembered.
    version.catch(() => questionnaireVersions.delete(versionId))
    if (questionnaireVersions.size > LIMIT) questionnaireVersions.clear()
    questionnaireVersions.set(versionId, version)
  }
  return version
}

// Parsed definitions, keyed by the (immutable) version row.
const definitions = new WeakMap<QuestionnaireVersion, QuestionnaireDefinition>()

export function parsedDefinition(version: QuestionnaireVersion): QuestionnaireDefinition {
  let definition = definitions.get(version)
  if (!definition) {
    definition = JSON.parse(version.definition) as QuestionnaireDefinition
    definitions.set(version, definition)
  }
  return definition
}

// Small JSON settings (calling hours, retry delays) repeat on every outcome: parse each distinct text once.
const parsedTexts = new Map<string, unknown>()

export function parsedJson<T>(text: string): T {
  let value = parsedTexts.get(text)
  if (value === undefined) {
    value = JSON.parse(text)
    if (parsedTexts.size > LIMIT) parsedTexts.clear()
    parsedTexts.set(text, value)
  }
  return value as T
}

interface CampaignConfiguration {
  callingHours: CallingHours
  frequencyCap: FrequencyCap
  faq: { question: string; answer: string }[]
}
const configurations = new WeakMap<CampaignTable, CampaignConfiguration>()

/** The campaign's JSON settings, parsed once per campaign row (rows are replaced, never changed, in the cache). */
export function configurationOf(campaign: CampaignTable): CampaignConfiguration {
  let configuration = configurations.get(campaign)
  if (!configuration) {
    configuration = {
      callingHours: JSON.parse(campaign.callingHours) as CallingHours,
      frequencyCap: JSON.parse(campaign.frequencyCap) as FrequencyCap,
      faq: JSON.parse(campaign.faq) as { question: string; answer: string }[],
    }
    configurations.set(campaign, configuration)
  }
  return configuration
}

// Campaigns by id, as last read by this process. Each use checks, in one small indexed read (on PostgreSQL, inside
// the claim's own statement), that the row's `updated_at`, status and callers restriction are unchanged, and reads
// the whole row again otherwise: the copy is never older than that read, whichever instance changed the campaign
// (see docs/decisions.md).
// A copy read during the very millisecond of its `updated_at` is not trusted: a second change in that millisecond
// would carry the same `updated_at`.
const campaigns = new Map<string, { campaign: CampaignTable; readAt: number }>()

/**
 * The campaign, if it belongs to one of these organisations; undefined otherwise. Served from memory when the
 * stored row has not changed since it was read.
 */
export async function findCampaignForCalling(db: Db, organizationIds: string[], campaignId: string) {
  const version = await findCampaignVersion(db, organizationIds, campaignId)
  if (!version) return undefined
  const cached = campaigns.get(campaignId)
  if (
    cached &&
    cached.campaign.updatedAt === version.updatedAt &&
    cached.campaign.status === version.status &&
    cached.campaign.callersRestricted === version.callersRestricted &&
    isTrusted(cached)
  ) {
    return cached.campaign
  }
  const readAt = Date.now()
  const campaign = await findCampaignById(db, organizationIds, campaignId)
  if (!campaign) return undefined
  if (campaigns.size > LIMIT) campaigns.clear()
  campaigns.set(campaignId, { campaign, readAt })
  return campaign
}

const isTrusted = (cached: { campaign: CampaignTable; readAt: number }) =>
  Date.parse(cached.campaign.updatedAt) < cached.readAt - 1

/**
 * This process's copy of the campaign without reading anything, for a statement that checks the stored version
 * itself (the PostgreSQL claim): undefined when there is none, or when it was read in the millisecond of its change.
 */
export function campaignCopy(campaignId: string) {
  const cached = campaigns.get(campaignId)
  return cached && isTrusted(cached) ? cached.campaign : undefined
}

/**
 * What an outcome reads about a target (its row, its campaign's rules, the household's usable phones), as this
 * process's PostgreSQL claim left it a moment before: the outcome then needs no read of its own, and its one write
 * statement claims to be right only if every one of these values is still the stored one (`saveCall`'s guard). A
 * copy is used once (taken), by the caller who claimed; an outcome sent to another instance, or after anything
 * changed, reads as before. See docs/decisions.md.
 */
export interface ClaimCopy extends OutcomeGuard {
  targetId: string
  callerId: string
  householdId: string
  organizationId: string
}

// Abandoned claims (a closed tab, a lease that ran out) are never taken: the oldest goes first past the limit.
const CLAIM_COPY_LIMIT = 10_000
const claimCopies = new Map<string, ClaimCopy>()

export function rememberClaim(copy: ClaimCopy) {
  claimCopies.delete(copy.targetId)
  if (claimCopies.size >= CLAIM_COPY_LIMIT) claimCopies.delete(claimCopies.keys().next().value!)
  claimCopies.set(copy.targetId, copy)
}

/** The copy of this caller's claim of this target, removed from the process; undefined when there is none. */
export function takeClaimCopy(targetId: string, callerId: string): ClaimCopy | undefined {
  const copy = claimCopies.get(targetId)
  if (copy?.callerId !== callerId) return undefined
  claimCopies.delete(targetId)
  return copy
}

/** How outcomes used the copies since the process started: `used` wrote at once, `refused` read again (/metrics, tests). */
export const claimCopyCounts = { used: 0, refused: 0 }
