/** How a provider's groups become a role in Allervers. Pure functions, no database. */
import type { RoleMappingLine } from '../../../shared/contracts/sso.js'
import type { Role } from '../../../shared/roles.js'

/**
 * The groups a person belongs to, read from the claim the administrator named: a list of texts (most providers), or
 * one text holding several separated by spaces or commas. Anything else counts as no group.
 */
export function groupsFromClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string')
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean)
  return []
}

/**
 * The role given by the first line of the mapping (in the administrator's order) whose group the person belongs to;
 * null when no line matches (the sign-in is refused). Group names are compared exactly.
 */
export function roleForGroups(mapping: readonly RoleMappingLine[], groups: readonly string[]): Role | null {
  const held = new Set(groups)
  return mapping.find((line) => held.has(line.group))?.role ?? null
}
