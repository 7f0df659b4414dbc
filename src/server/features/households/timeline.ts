import type { TimelineEntry } from '../../../shared/contracts/households.js'
import type { householdTimeline } from './households.queries.js'

type History = Awaited<ReturnType<typeof householdTimeline>>

function parse<T>(text: string | null, fallback: T): T {
  if (!text) return fallback
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

/**
 * One list, newest first, of what happened to a household: calls, referrals sent by the reader's organisations and
 * each of their steps, changes brought by imports, rectifications at the tenant's request (field names, never values),
 * objections recorded or withdrawn.
 */
export function buildTimeline(history: History, readerOrganizationIds: readonly string[]): TimelineEntry[] {
  const entries: TimelineEntry[] = []
  for (const call of history.calls) {
    entries.push({
      id: call.id,
      at: call.createdAt,
      kind: 'call',
      actor: call.callerName,
      call: {
        campaignId: call.campaignId,
        campaignName: call.campaignName,
        disposition: call.disposition,
        attempt: call.attempt,
        fragilityLevel: call.fragilityLevel,
        needs: parse<string[]>(call.needs, []),
        notes: call.notes,
        durationSeconds: call.durationSeconds,
      },
    })
  }
  const visible = history.referrals.filter((referral) => readerOrganizationIds.includes(referral.senderOrganizationId))
  for (const referral of visible) {
    const recipient = referral.recipientTeam
      ? `${referral.recipientName} — ${referral.recipientTeam}`
      : referral.recipientName
    const summary = {
      id: referral.id,
      category: referral.category,
      urgency: referral.urgency,
      status: referral.status,
      recipient,
      fromStatus: null,
      toStatus: null,
    }
    entries.push({ id: referral.id, at: referral.createdAt, kind: 'referral', actor: null, referral: summary })
    for (const event of history.events.filter((e) => e.referralId === referral.id)) {
      entries.push({
        id: event.id,
        at: event.createdAt,
        kind: 'referral_step',
        actor: event.actorName,
        referral: { ...summary, fromStatus: event.fromStatus, toStatus: event.toStatus },
      })
    }
  }
  for (const trace of history.traces) {
    const details = parse<{ fields?: string[]; channel?: string }>(trace.details, {})
    const kind =
      trace.action === 'household.import_update'
        ? 'import_update'
        : trace.action === 'household.objection'
          ? 'objection'
          : trace.action === 'household.rectify'
            ? 'rectification'
            : 'objection_withdrawn'
    entries.push({
      id: `audit-${trace.id}`,
      at: trace.at,
      kind,
      actor: trace.actorName,
      ...(details.fields ? { fields: details.fields } : {}),
      ...(kind === 'objection' ? { channel: details.channel ?? null } : {}),
    })
  }
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id.localeCompare(b.id)))
}
