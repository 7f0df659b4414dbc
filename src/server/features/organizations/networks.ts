import type { Scope } from '../../http/auth.js'
import { type Action, organizationsWhere } from '../../policy/policy.js'

/**
 * The networks of the organisations on which the user may perform the action. Network administration works this way:
 * an administrator of one organisation administers its whole network (its organisations, agencies and users).
 */
export function networksWhere(scope: Scope, action: Action): string[] {
  const organizationIds = organizationsWhere(scope, action)
  const networkIds = scope.memberships
    .filter((membership) => organizationIds.includes(membership.organizationId))
    .map((membership) => membership.networkId)
  return [...new Set(networkIds)]
}
