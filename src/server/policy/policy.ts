/**
 * The one access policy: who may do what, on which organisation. Pure functions of the signed-in user's memberships;
 * no database here. Every route under /api names its action in `config.access` (enforced when routes are
 * registered, `policy.hook.ts`); handlers ask `organizationsWhere` which organisations their queries may touch, and
 * `may` for a decision about one organisation. Finer rules that depend on the data (a referral addressed to a
 * partner, a caller listed on a campaign) are checked by the feature's service with the organisations given here.
 * The role × route matrix test (`policy.matrix.routes.test.ts`) walks this table against the running app.
 */
import type { Role } from '../../shared/roles.js'

/** Anyone, signed in or not. */
export const ANYONE = 'anyone'
/** Any signed-in user, whatever their roles (the handler narrows what they see). */
export const SIGNED_IN = 'signed-in'

type Grant = typeof ANYONE | typeof SIGNED_IN | readonly Role[]

/** Who reads their organisation's registry: the staff whose work is the tenants' records. */
const REGISTRY_READERS = ['admin', 'manager', 'social_worker'] as const
const MANAGERS = ['manager', 'admin'] as const
const CALLERS = ['caller', 'manager', 'admin'] as const

/** Every action, and what grants it: a role in the organisation concerned, any signed-in user, or anyone. */
export const POLICY = {
  'health.read': ANYONE,
  'auth.login': ANYONE,
  // Logging out without a session only clears the cookie.
  'auth.logout': ANYONE,
  'auth.me': SIGNED_IN,
  // « Mon compte »: one's own sessions (the handler reads only the signed-in user's).
  'account.sessions': SIGNED_IN,
  'account.endSession': SIGNED_IN,
  'account.changePassword': SIGNED_IN,
  // Without a session: asking for a reset link (same answer whether the address has an account), and using a link.
  'account.requestReset': ANYONE,
  'account.useLink': ANYONE,
  // The second step of signing in (a code, or enrolling a second factor): gated by the pending sign-in's cookie.
  'auth.mfa': ANYONE,
  // « Mon compte »: one's own second factor.
  'account.mfa': SIGNED_IN,
  // Single sign-on through an organisation's OpenID provider: the list of such organisations, the start and the return.
  'auth.sso': ANYONE,

  'organization.list': SIGNED_IN,
  'organization.create': ['admin'],
  // An organisation's single sign-on settings: the administrators of its network (the handler answers 404 otherwise).
  'sso.manage': ['admin'],
  'agency.list': SIGNED_IN,
  // Managers add agencies to their own organisation (asked with its id); administrators to any of their network:
  'agency.create': ['admin', 'manager'],
  'agency.createInNetwork': ['admin'],
  'user.list': ['admin'],
  'user.create': ['admin'],
  // Disabling and enabling an account of the administrator's networks (the handler answers 404 for any other).
  'user.disable': ['admin'],
  // Removing the second factor of an account of the administrator's networks (a lost phone; 404 for any other).
  'user.resetMfa': ['admin'],
  // Taking an account out of one organisation of the administrator's networks (404 for any other).
  'user.removeMembership': ['admin'],

  // Listing and searching the registry (by name, reference, phone) is for the registry's readers only: callers are
  // colleagues lent for a campaign, who see a household only while it is theirs to call.
  'household.search': REGISTRY_READERS,
  // The gate of the routes about one household; who reads which one is decided by the finer rules below, with the data.
  // The DPO passes these two gates and reads only through an open request (`household.readThroughRequest`, below).
  'household.read': [...REGISTRY_READERS, 'caller', 'partner', 'dpo'],
  'household.timeline': [...REGISTRY_READERS, 'caller', 'dpo'],
  'household.recordObjection': [...REGISTRY_READERS, 'caller'],
  // Finer rules, asked with `organizationsWhere` once the household is known. The whole record of any household of
  // one's organisation:
  'household.readRecord': REGISTRY_READERS,
  // a caller's read, only while they hold one of its targets (lease running) or a callback of it is promised to them
  // (`isCallingHousehold`, households.queries.ts), else 404:
  'household.readWhileCalling': ['caller'],
  // a partner's read of its essentials, while a referral to their organisation about it is active, else 404.
  'household.readThroughReferral': ['partner'],
  'household.withdrawObjection': MANAGERS,
  // The filtered list as a spreadsheet: the managers (a whole registry leaves with it).
  'household.exportList': MANAGERS,

  // The home page: any signed-in user; each section for the organisations where the user holds the role that opens
  // it (a manager's campaigns, referrals, debriefs and imports; an administrator's network; a viewer's key figures;
  // the campaigns and callbacks of whoever calls; a social worker's or partner's orientations waiting).
  'home.read': SIGNED_IN,
  'home.manage': ['manager'],
  'home.network': ['admin'],
  'home.figures': ['viewer'],
  // The DPO's figures: requests of the register open and overdue, households due for erasure (counts only).
  'home.dataProtection': ['dpo'],
  // « Vos appels »: the campaigns one may call for, one's callbacks due and calls today (counts only). Whoever may call
  // (as campaign.call): the section is shown when at least one running campaign is open to the user's calls (a
  // manager calls for every campaign of their organisation, `callableBy` in calling.queries.ts), whatever their role,
  // and to a caller with none, who is told so (home.routes.ts).
  'home.call': CALLERS,
  // The orientations waiting in the inbox of a social worker or a partner, and those overdue (counts only).
  'home.orientations': ['social_worker', 'partner'],

  'import.run': MANAGERS,
  'instrument.use': SIGNED_IN,

  'campaign.manage': MANAGERS,
  // The agencies and communes of the organisation's households that the targeting builder's pickers offer.
  'campaign.targetingValues': MANAGERS,
  'campaign.call': CALLERS,
  'campaign.supervise': MANAGERS,
  // Only the campaign's callers give feedback (checked with the data: the campaign's list of callers).
  'campaign.feedback': SIGNED_IN,
  // Feedback on a campaign open to all its organisation's callers: the caller role there (managers call, not answer).
  'campaign.feedbackAsCaller': ['caller'],

  // Referrals: senders, recipients and the partner's view are decided with the referral's data.
  'referral.emergencyNumbers': SIGNED_IN,
  'referral.send': ['caller', 'social_worker', 'manager', 'admin'],
  'referral.list': SIGNED_IN,
  'referral.read': SIGNED_IN,
  'referral.act': SIGNED_IN,
  // Finer rules, asked with `may(user, action, organizationId)` once the referral or household is known:
  'referral.receive': ['partner', 'social_worker', 'manager', 'admin'],
  'referral.receiveAsTeam': ['social_worker', 'manager'],
  'referral.overrideConsent': ['social_worker', 'manager', 'admin'],
  // Sees every referral the organisation sent; a caller sees only the referrals they raised.
  'referral.readAllSent': ['social_worker', 'manager', 'admin'],

  'review.read': ['admin', 'manager', 'viewer'],
  // Counts shown exactly in an organisation's review; its other readers (viewers) see 1 to 4 as "< 5".
  'review.exact': MANAGERS,
  // The whole network read exactly, and each of its organisations as theirs: its admins (managers and viewers read
  // the network with counts under 5 suppressed, through review.read).
  'review.network': ['admin'],
  // Which dataset each role may export is decided per dataset below, once the scope is known; viewers and callers
  // never get one (they are told why: aggregates only, or no export for callers).
  'export.download': SIGNED_IN,
  'export.calls': MANAGERS,
  'export.unreachable': MANAGERS,
  'export.referrals': ['admin', 'manager', 'social_worker', 'partner'],
  // Referrals both from and to the organisation; a partner (and nothing more there) exports those addressed to it.
  'export.referralsBothWays': ['admin', 'manager', 'social_worker'],
  // Exports of the whole network, and of each of its organisations as theirs: its admins.
  'export.network': ['admin'],

  // Free texts saved with words of a special category (which category, where, who; never the text): what the data
  // protection officer follows up, and the administrators who appoint them.
  'sensitiveFlag.read': ['dpo', 'admin'],
  // Data protection. The audit log of one's organisations: their DPO and administrators (reading it is audited).
  'audit.read': ['dpo', 'admin'],
  // Retention (features/retention): the periods, the households due for erasure and the purges, for the organisation's
  // administrators and its DPO; the periods changed by an administrator only, with a reason.
  'retention.read': ['admin', 'dpo'],
  'retention.manage': ['admin'],
  // A household's dossier (right of access): the gate; who reads which one is decided with the data, below.
  'household.dossier': ['dpo', 'manager', 'admin'],
  // Any household of one's organisation:
  'household.dossierOfOrganization': MANAGERS,
  // the DPO, only while a request of the register is open about the household (else 404): the DPO reads no tenant
  // data outside a tenant's request. The same rule opens the household's record and timeline to the DPO
  // (households.routes.ts, `findReadableHousehold`).
  'household.readThroughRequest': ['dpo'],
  // The register of tenants' requests: recorded and closed by their DPO, managers and administrators.
  'dataRequest.manage': ['dpo', 'manager', 'admin'],
  // Rectification and erasure on request change the tenant's data: managers and administrators, never the DPO.
  'household.rectify': MANAGERS,
  'household.erase': MANAGERS,
} as const satisfies Record<string, Grant>

export type Action = keyof typeof POLICY

/** What the policy needs to know about a user: their memberships (an organisation and a role each). */
export interface PolicySubject {
  memberships: ReadonlyArray<{ organizationId: string; role: Role }>
}

export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && Object.hasOwn(POLICY, value)
}

/** The roles that grant an action, or ANYONE / SIGNED_IN. */
export function grantOf(action: Action): Grant {
  return POLICY[action]
}

/**
 * Whether the user may perform the action: on one organisation when `organizationId` is given, else on at least one.
 * `user` is null for a request without a session.
 */
export function may(user: PolicySubject | null, action: Action, organizationId?: string): boolean {
  const grant: Grant = POLICY[action]
  if (grant === ANYONE) return true
  if (!user) return false
  if (grant === SIGNED_IN) return true
  return user.memberships.some(
    (membership) =>
      grant.includes(membership.role) && (organizationId === undefined || membership.organizationId === organizationId),
  )
}

/** The organisations on which the user may perform the action: every query of tenant data is scoped by them. */
export function organizationsWhere(user: PolicySubject, action: Action): string[] {
  const grant: Grant = POLICY[action]
  const ids = user.memberships
    .filter((membership) => grant === ANYONE || grant === SIGNED_IN || grant.includes(membership.role))
    .map((membership) => membership.organizationId)
  return [...new Set(ids)]
}

/**
 * The networks of the organisations on which the user may perform the action. Network administration works this way:
 * an administrator of one organisation administers its whole network (its organisations, agencies, users, review).
 */
export function networksWhere(
  user: { memberships: ReadonlyArray<{ organizationId: string; role: Role; networkId: string }> },
  action: Action,
): string[] {
  const organizationIds = organizationsWhere(user, action)
  const networkIds = user.memberships
    .filter((membership) => organizationIds.includes(membership.organizationId))
    .map((membership) => membership.networkId)
  return [...new Set(networkIds)]
}
