/**
 * Who may export which dataset of one organisation: the policy's answer (`policy.ts`, actions `export.*`), asked with
 * the user's roles there as the scope resolver weighs them (`subjectIn`: their own, and their network's
 * administration). Pure: no database.
 */
import type { Dataset } from '../../../shared/contracts/exports.js'
import { ROLES, type Role } from '../../../shared/roles.js'
import { type Action, grantOf, may, organizationsWhere, type PolicySubject } from '../../policy/policy.js'

/** The policy's action for each dataset. */
export const EXPORT_ACTIONS: Record<Dataset, Action> = {
  calls: 'export.calls',
  unreachable: 'export.unreachable',
  referrals: 'export.referrals',
}

export type ExportAccess =
  | { allowed: true; partnerOnly: boolean }
  | { allowed: false; status: 403 | 404; message: string }

export const VIEWER_REFUSAL =
  'Viewers see the review’s aggregates only; exports list households and are not open to this role'

/** The roles that export something, for the message that refuses the others. */
export function exportingRoles(): Role[] {
  return ROLES.filter((role) => Object.values(EXPORT_ACTIONS).some((action) => grants(action, role)))
}

/** The roles granting an action, in the order of ROLES (admin first). */
function rolesGranting(action: Action): Role[] {
  return ROLES.filter((role) => grants(action, role))
}

function grants(action: Action, role: Role): boolean {
  const grant = grantOf(action)
  return Array.isArray(grant) && grant.includes(role)
}

/**
 * Who may export a dataset of one organisation. No role there at all: 404, as if the organisation were unknown. A
 * partner (and nothing more there) reads the referrals addressed to their organisation only (`partnerOnly`). Someone
 * who reads the review there but may export nothing is a viewer, and is told why.
 */
export function decideExportAccess(dataset: Dataset, subject: PolicySubject, organizationId: string): ExportAccess {
  if (!organizationsWhere(subject, 'export.download').includes(organizationId)) {
    return { allowed: false, status: 404, message: 'No such organisation' }
  }
  const action = EXPORT_ACTIONS[dataset]
  if (may(subject, action, organizationId)) {
    return { allowed: true, partnerOnly: !may(subject, 'export.referralsBothWays', organizationId) }
  }
  if (may(subject, 'review.read', organizationId)) return { allowed: false, status: 403, message: VIEWER_REFUSAL }
  return {
    allowed: false,
    status: 403,
    message: `Exporting ${dataset} needs one of these roles in the organisation: ${rolesGranting(action).join(', ')}`,
  }
}
