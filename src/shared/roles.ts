/** The roles a user holds in an organisation: one per membership. */
export const ROLES = ['admin', 'manager', 'caller', 'social_worker', 'partner', 'viewer', 'dpo'] as const
export type Role = (typeof ROLES)[number]

export const ORGANIZATION_TYPES = ['landlord', 'association', 'partner'] as const
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number]

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}

/** The pages of the web app, and which roles see each in the navigation. */
export const NAVIGATION: ReadonlyArray<{ key: string; path: string; roles: readonly Role[] }> = [
  { key: 'home', path: '/', roles: ROLES },
  // Whoever may call (policy `campaign.call`): administrators call for their organisation's campaigns too.
  { key: 'calling', path: '/calling', roles: ['caller', 'manager', 'admin'] },
  { key: 'campaigns', path: '/campaigns', roles: ['manager', 'admin'] },
  { key: 'households', path: '/households', roles: ['manager', 'admin', 'social_worker'] },
  { key: 'referrals', path: '/referrals', roles: ['social_worker', 'partner', 'manager', 'caller'] },
  { key: 'stats', path: '/bilan', roles: ['manager', 'admin', 'viewer'] },
  { key: 'dataProtection', path: '/protection-des-donnees', roles: ['dpo', 'admin'] },
  { key: 'administration', path: '/administration', roles: ['admin'] },
  { key: 'account', path: '/compte', roles: ROLES },
]

export function navigationFor(roles: readonly Role[]) {
  return NAVIGATION.filter((entry) => entry.roles.some((role) => roles.includes(role)))
}
