import { type SqlBool, sql } from 'kysely'
import type { Db } from '../../db/database.js'
import type { CallExportRow, ReferralExportRow, UnreachableExportRow } from './exports.format.js'

/** What one export reads: organisations (or one campaign), an optional agency, and a [start, end) UTC interval. */
export interface ExportFilter {
  organizationIds: string[]
  campaignId?: string
  agencyId?: string
  start: string
  end: string
}

/**
 * Rows read in batches of this size from a PostgreSQL cursor (SQLite iterates row by row anyway). 500 rather than
 * 2,000: the same speed, and a 1,000,000-row export peaked at 156 MB instead of 206–251 MB (bench/exports.bench.ts).
 */
const CURSOR_BATCH = 500

/**
 * Calls of the period, oldest first, with only what the calls export shows: never notes, answers or scores.
 * Streamed: the caller iterates and nothing holds every row.
 */
export function streamCalls(reader: Db, filter: ExportFilter): AsyncIterable<CallExportRow> {
  let query = reader
    .selectFrom('call')
    .innerJoin('campaign', 'campaign.id', 'call.campaignId')
    .innerJoin('household', 'household.id', 'call.householdId')
    .innerJoin('user', 'user.id', 'call.callerId')
    .select([
      'call.createdAt',
      'campaign.name as campaignName',
      'household.externalRef',
      'user.name as callerName',
      'call.attempt',
      'call.disposition',
      'call.durationSeconds',
      'call.fragilityLevel',
      'call.needs',
    ])
    .where('call.createdAt', '>=', filter.start)
    .where('call.createdAt', '<', filter.end)
  if (filter.agencyId) query = query.where('household.agencyId', '=', filter.agencyId)
  if (filter.campaignId) {
    return query
      .where('call.campaignId', '=', filter.campaignId)
      .orderBy('call.createdAt')
      .orderBy('call.id')
      .stream(CURSOR_BATCH)
  }
  // Organisation by organisation, each in time order: the (organization_id, created_at) index gives rows already in
  // that order, so the first row leaves at once. Time order across several organisations would sort every call
  // of the network before the first byte.
  return query
    .where('call.organizationId', 'in', filter.organizationIds)
    .orderBy('call.organizationId')
    .orderBy('call.createdAt')
    .orderBy('call.id')
    .stream(CURSOR_BATCH)
}

/**
 * Referrals sent during the period from or to the organisations (`recipientOnly`: addressed to them only), or raised
 * from the campaign's calls. Never the summary, the outcome text or the events' notes.
 */
export function streamReferrals(
  reader: Db,
  filter: ExportFilter & { recipientOnly: boolean },
): AsyncIterable<ReferralExportRow> {
  let query = reader
    .selectFrom('referral')
    .innerJoin('household', 'household.id', 'referral.householdId')
    .innerJoin('organization as sender', 'sender.id', 'referral.senderOrganizationId')
    .innerJoin('organization as recipient', 'recipient.id', 'referral.recipientOrganizationId')
    .select([
      'referral.createdAt',
      'household.externalRef',
      'referral.category',
      'referral.urgency',
      'referral.status',
      'sender.name as senderName',
      'recipient.name as recipientName',
      'referral.senderOrganizationId',
      'referral.recipientOrganizationId',
      'referral.recipientTeam',
      'referral.consentGiven',
      'referral.overrideReason',
      'referral.dueAcceptBy',
      'referral.acceptedAt',
      'referral.dueResolveBy',
      'referral.closedAt',
    ])
    .where('referral.createdAt', '>=', filter.start)
    .where('referral.createdAt', '<', filter.end)
  if (filter.campaignId) {
    const campaignId = filter.campaignId
    query = query.where('referral.callId', 'in', (eb) =>
      eb.selectFrom('call').select('call.id').where('call.campaignId', '=', campaignId),
    )
  }
  const organizationIds = filter.organizationIds
  query = query.where((eb) => {
    if (organizationIds.length === 0) return sql<SqlBool>`1 = 0`
    const toThem = eb('referral.recipientOrganizationId', 'in', organizationIds)
    return filter.recipientOnly ? toThem : eb.or([toThem, eb('referral.senderOrganizationId', 'in', organizationIds)])
  })
  if (filter.agencyId) query = query.where('household.agencyId', '=', filter.agencyId)
  return query.orderBy('referral.createdAt').orderBy('referral.id').stream(CURSOR_BATCH)
}

/**
 * Targets that ended unreachable (attempts exhausted or no usable number) whose last attempt fell in the period, with
 * what a letter or a visit needs: name, address, the numbers already tried.
 */
export function streamUnreachable(reader: Db, filter: ExportFilter): AsyncIterable<UnreachableExportRow> {
  return unreachableQuery(reader, filter).stream(CURSOR_BATCH)
}

export function unreachableQuery(reader: Db, filter: ExportFilter) {
  // Correlated by household through the call_household index (a target's few calls), not by target (no index) nor
  // by campaign (every call of the campaign for each row): SQLite's unary `+` keeps it off the campaign index.
  const phonesTried =
    reader.engine === 'postgres'
      ? sql<string | null>`(select string_agg(distinct c.phone_e164, ',') from call c
          where c.household_id = campaign_target.household_id and c.campaign_id = campaign_target.campaign_id)`
      : sql<string | null>`(select group_concat(distinct c.phone_e164) from call c
          where c.household_id = campaign_target.household_id and +c.campaign_id = campaign_target.campaign_id)`
  const lastAttempt = sql<string>`coalesce(campaign_target.last_called_at, campaign_target.updated_at)`
  let query = reader
    .selectFrom('campaignTarget')
    .innerJoin('campaign', 'campaign.id', 'campaignTarget.campaignId')
    .innerJoin('household', 'household.id', 'campaignTarget.householdId')
    .select([
      'household.externalRef',
      'household.lastName',
      'household.firstName',
      'household.addressLine1',
      'household.addressLine2',
      'household.postcode',
      'household.city',
      phonesTried.as('phonesTried'),
      'campaignTarget.attempts',
      'campaignTarget.lastCalledAt',
      'campaignTarget.lastDisposition',
      'campaign.name as campaignName',
    ])
    .where('campaignTarget.status', '=', 'unreachable')
    .where('campaignTarget.removedAt', 'is', null)
    .where(lastAttempt, '>=', filter.start)
    .where(lastAttempt, '<', filter.end)
  query = filter.campaignId
    ? query.where('campaignTarget.campaignId', '=', filter.campaignId)
    : query.where('campaignTarget.organizationId', 'in', filter.organizationIds)
  if (filter.agencyId) query = query.where('household.agencyId', '=', filter.agencyId)
  return query.orderBy('household.postcode').orderBy('household.externalRef').orderBy('campaignTarget.id')
}
