import * as organizations from '../server/features/organizations/organizations.queries.js'
import { createUserWithMembership } from '../server/features/users/users.service.js'
import { AppError } from '../server/http/errors.js'
import { ORGANIZATION_TYPES, type OrganizationType, type Role } from '../shared/roles.js'
import { CliInputError } from './cli-errors.js'
import { withDatabase } from './database.js'

export async function addOrganization(options: { code: string; name: string; type: string; network?: string }) {
  if (!(ORGANIZATION_TYPES as readonly string[]).includes(options.type)) {
    throw new CliInputError(`unknown type "${options.type}"; expected one of ${ORGANIZATION_TYPES.join(', ')}`)
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$/.test(options.code)) {
    throw new CliInputError(`code "${options.code}" must be 2–40 letters, digits, - or _`)
  }
  await withDatabase(async (db) => {
    if (await organizations.findOrganizationByCode(db, options.code)) {
      throw new CliInputError(`an organisation with code "${options.code}" already exists`)
    }
    const networks = await organizations.listNetworks(db)
    let network = options.network ? networks.find((n) => n.code === options.network) : networks[0]
    if (options.network && !network) throw new CliInputError(`no network with code "${options.network}"`)
    if (!options.network && networks.length > 1) {
      throw new CliInputError(`several networks exist (${networks.map((n) => n.code).join(', ')}): pass --network`)
    }
    network ??= await organizations.createNetwork(db, { code: 'default', name: 'Réseau' })
    const organization = await organizations.createOrganization(db, {
      networkId: network.id,
      code: options.code,
      name: options.name,
      type: options.type as OrganizationType,
    })
    console.log(`Organisation ${organization.code} (${organization.type}) added to network ${network.code}.`)
  })
}

export async function addUser(options: { org: string; email: string; name: string; role: Role; password?: string }) {
  await withDatabase(async (db) => {
    const organization = await organizations.findOrganizationByCode(db, options.org)
    if (!organization) throw new CliInputError(`no organisation with code "${options.org}"`)
    try {
      const result = await createUserWithMembership(db, {
        email: options.email,
        name: options.name,
        organizationId: organization.id,
        role: options.role,
        password: options.password,
      })
      const verb = result.created ? 'added' : 'already existed; role set'
      console.log(`User ${result.user.email} ${verb}: ${options.role} in ${organization.code}.`)
      if (result.generatedPassword) console.log(`Password (shown once): ${result.generatedPassword}`)
    } catch (error) {
      if (error instanceof AppError) throw new CliInputError(error.message)
      throw error
    }
  })
}
