import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { addDays, parisDayStart } from '../../../shared/clock.js'
import { type SensitiveFlagSource, sensitiveFlagsContract } from '../../../shared/contracts/sensitive-flags.js'
import { SENSITIVE_CATEGORIES, type SensitiveCategory } from '../../../shared/sensitive-words.js'
import { AppError } from '../../http/errors.js'
import { currentScope } from '../../policy/policy.hook.js'
import { may, organizationsWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findOrganizationByCode } from '../organizations/organizations.queries.js'
import * as flags from './sensitive-flags.queries.js'

export const sensitiveFlagRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.route({
    ...sensitiveFlagsContract.list,
    config: { access: 'sensitiveFlag.read' },
    handler: async (request) => {
      const scope = currentScope(request)
      const query = request.query
      let organizationIds = organizationsWhere(scope, 'sensitiveFlag.read')
      if (query.organization !== undefined) {
        const organization = await findOrganizationByCode(db, query.organization)
        if (!organization || !may(scope, 'sensitiveFlag.read', organization.id)) {
          throw new AppError('VALIDATION_FAILED', `No organisation "${query.organization}" within your reach`, {
            field: 'organization',
            value: query.organization,
          })
        }
        organizationIds = [organization.id]
      }
      if (query.from && query.to && query.from > query.to) {
        throw new AppError('VALIDATION_FAILED', `The period ends (${query.to}) before it starts (${query.from})`, {
          field: 'to',
          value: query.to,
        })
      }
      const filter: flags.SensitiveFlagFilter = {
        organizationIds,
        start: query.from ? parisDayStart(query.from) : undefined,
        end: query.to ? parisDayStart(addDays(query.to, 1)) : undefined,
        category: query.category,
        source: query.source,
      }
      const limit = query.limit ?? 50
      const offset = query.offset ?? 0
      const [rows, counts] = await Promise.all([
        flags.listSensitiveFlags(db, filter, { limit, offset }),
        flags.countSensitiveFlags(db, filter),
      ])
      const byCategory = Object.fromEntries(
        SENSITIVE_CATEGORIES.map((category) => [category, counts.get(category) ?? 0]),
      ) as Record<SensitiveCategory, number>
      const total = query.category
        ? byCategory[query.category]
        : [...counts.values()].reduce((sum, count) => sum + count, 0)
      // The list names households (by reference): a read of tenant data, audited (ids and filters only).
      await recordAuditEvent(db, {
        actorUserId: scope.userId,
        organizationId: organizationIds.length === 1 ? organizationIds[0] : null,
        action: 'sensitive_flag.list',
        entityType: 'sensitive_flag',
        ip: request.ip,
        details: {
          organizationIds,
          from: query.from ?? null,
          to: query.to ?? null,
          category: query.category ?? null,
          source: query.source ?? null,
          households: [...new Set(rows.flatMap((row) => (row.householdId ? [row.householdId] : [])))],
        },
      })
      return {
        items: rows.map((row) => ({
          id: row.id,
          at: row.createdAt,
          source: row.source as SensitiveFlagSource,
          sourceId: row.sourceId,
          category: row.category as SensitiveCategory,
          author: { id: row.authorUserId, name: row.authorName, organization: row.authorOrganizationCode },
          organization: row.organizationCode,
          // A caller's end-of-session comment is about no household.
          household: row.householdId ? { id: row.householdId, ref: row.householdRef ?? '' } : null,
        })),
        total,
        byCategory,
      }
    },
  })
}
