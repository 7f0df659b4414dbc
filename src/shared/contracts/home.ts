/**
 * The home page's "à traiter aujourd'hui": what each of the signed-in user's roles has to act on, each item with
 * what the web needs to link to where it is handled. A section the user's roles do not open is empty (or null).
 */
import { Type } from 'typebox'
import { Nullable } from './common.js'
import { route } from './route.js'

export const HomeCampaignSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** The organisation's code. */
  organization: Type.String(),
  /** Households of the target, excluded ones aside. */
  targeted: Type.Integer(),
  /** Completed or unreachable. */
  done: Type.Integer(),
  /** Spoken to at least once (completed, refused or callback). */
  reached: Type.Integer(),
})

/** A referral past its deadline: no household named (the home page is read every morning, unaudited). */
export const HomeReferralSchema = Type.Object({
  id: Type.String(),
  /** `received`: the organisation must accept or resolve it; `sent`: the recipient is late. */
  side: Type.Union([Type.Literal('received'), Type.Literal('sent')]),
  category: Type.String(),
  urgency: Type.String(),
  status: Type.String(),
  dueBy: Type.String(),
})

export const HomeImportSchema = Type.Object({
  id: Type.String(),
  organization: Type.String(),
  status: Type.String(),
  at: Type.String(),
  rows: Type.Integer(),
  rejected: Type.Integer(),
  warnings: Type.Integer(),
})

/** A count under 5 is null for readers who get counts suppressed (viewers). */
const Figure = Nullable(Type.Integer())

export const HomeSchema = Type.Object({
  /** Managers: the running campaigns of their organisations. */
  campaigns: Type.Array(HomeCampaignSchema),
  /** Managers: referrals past their deadline, received or sent by their organisations (most overdue first, 10 at most). */
  overdueReferrals: Type.Array(HomeReferralSchema),
  overdueReferralsTotal: Type.Integer(),
  /** Managers: debrief requests waiting, by campaign. */
  debriefs: Type.Array(
    Type.Object({
      campaignId: Type.String(),
      campaignName: Type.String(),
      waiting: Type.Integer(),
      oldest: Type.String(),
    }),
  ),
  /** Managers: the last import of each of their organisations. */
  lastImports: Type.Array(HomeImportSchema),
  /** Administrators: their network's activity, by organisation. */
  network: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      runningCampaigns: Type.Integer(),
      callsLast7Days: Type.Integer(),
      openReferrals: Type.Integer(),
      lastImportAt: Nullable(Type.String()),
    }),
  ),
  /**
   * DPOs: the register's open requests (overdue among them) and the households a purge reaches within 30 days (those
   * it will erase, those an active orientation or a follow-up keeps). Counts only: no household named.
   */
  dataProtection: Nullable(
    Type.Object({
      openRequests: Type.Integer(),
      overdueRequests: Type.Integer(),
      dueForErasure: Type.Integer(),
      keptPastDue: Type.Integer(),
    }),
  ),
  /**
   * Whoever may call for at least one running campaign, whatever their role (a caller, a manager of its organisation):
   * the campaigns they may call for now (as the calling workspace lists them), each with its households still to call;
   * their callbacks (« Mes rappels ») overdue and due later today; their calls recorded today. Counts and campaign
   * names only: no household named. A caller with none gets it empty; null for a manager or administrator with none.
   */
  calling: Nullable(
    Type.Object({
      campaigns: Type.Array(
        Type.Object({
          id: Type.String(),
          name: Type.String(),
          /** The organisation's code. */
          organization: Type.String(),
          /** Targets pending, scheduled or held: not yet completed, unreachable or excluded. */
          left: Type.Integer(),
          isWithinCallingHours: Type.Boolean(),
        }),
      ),
      callbacksOverdue: Type.Integer(),
      callbacksDueToday: Type.Integer(),
      callsToday: Type.Integer(),
    }),
  ),
  /**
   * Social workers and partners: orientations addressed to them (their inbox) still waiting to be accepted, and those
   * past their deadline (to accept or to resolve). Counts only.
   */
  orientations: Nullable(Type.Object({ waiting: Type.Integer(), overdue: Type.Integer() })),
  /** Viewers: a few key figures of their organisations over the last 30 days (counts of 1 to 4 are null). */
  keyFigures: Nullable(
    Type.Object({
      runningCampaigns: Type.Integer(),
      householdsCalled: Figure,
      householdsReached: Figure,
      referralsSent: Figure,
    }),
  ),
})

export const homeContract = {
  today: route('GET', '/home', {
    tags: ['home'],
    response: { 200: HomeSchema },
  }),
}
