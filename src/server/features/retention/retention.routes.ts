import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { parisToday } from '../../../shared/clock.js'
import { type PurgeReport, retentionContract } from '../../../shared/contracts/retention.js'
import { inTransaction } from '../../db/database.js'
import { AppError } from '../../http/errors.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { organizationsWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import * as retention from './retention.queries.js'
import { listDueHouseholds, periodsOf } from './retention.service.js'

export const retentionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app
  const defaults = {
    contactMonths: config.retention.contactMonths,
    leftMonths: config.retention.leftMonths,
    auditMonths: config.retention.auditMonths,
    requestsMonths: config.retention.requestsMonths,
  }

  function settingsOf(organization: NonNullable<Awaited<ReturnType<typeof retention.findOrganizationRetention>>>) {
    return {
      organization: { code: organization.code, name: organization.name },
      periods: periodsOf(organization, defaults),
      overrides: {
        contactMonths: organization.retentionContactMonths ?? null,
        leftMonths: organization.retentionLeftMonths ?? null,
        auditMonths: organization.retentionAuditMonths ?? null,
        requestsMonths: organization.retentionRequestsMonths ?? null,
      },
      defaults,
      purgeEnabled: config.retention.purgeEnabled,
    }
  }

  app.route({
    ...retentionContract.readSettings,
    config: { access: 'retention.read' },
    handler: async (request) => {
      const organizationIds = organizationsWhere(currentScope(request), 'retention.read')
      const organization = await retention.findOrganizationRetention(db, request.params.code, organizationIds)
      if (!organization) throw new AppError('NOT_FOUND', `No organisation "${request.params.code}" of yours`)
      return settingsOf(organization)
    },
  })

  app.route({
    ...retentionContract.updateSettings,
    config: { access: 'retention.manage' },
    handler: async (request) => {
      const organizationIds = organizationsWhere(currentScope(request), 'retention.manage')
      const organization = await retention.findOrganizationRetention(db, request.params.code, organizationIds)
      if (!organization) throw new AppError('NOT_FOUND', `No organisation "${request.params.code}" that you administer`)
      const { contactMonths, leftMonths, auditMonths, requestsMonths } = request.body
      const reason = request.body.reason.trim()
      if (reason.length < 5) {
        throw new AppError('VALIDATION_FAILED', 'Say why the periods change (5 characters at least)', {
          field: 'reason',
        })
      }
      await inTransaction(db, async (tx) => {
        await retention.updateOrganizationRetention(tx, organization.id, {
          contact: contactMonths,
          left: leftMonths,
          audit: auditMonths,
          requests: requestsMonths,
        })
        await recordAuditEvent(tx, {
          actorUserId: currentUser(request).id,
          organizationId: organization.id,
          action: 'retention.settings',
          entityType: 'organization',
          entityId: organization.id,
          ip: request.ip,
          details: {
            reason,
            before: {
              contactMonths: organization.retentionContactMonths ?? null,
              leftMonths: organization.retentionLeftMonths ?? null,
              auditMonths: organization.retentionAuditMonths ?? null,
              requestsMonths: organization.retentionRequestsMonths ?? null,
            },
            after: { contactMonths, leftMonths, auditMonths, requestsMonths },
          },
        })
      })
      return settingsOf({
        ...organization,
        retentionContactMonths: contactMonths,
        retentionLeftMonths: leftMonths,
        retentionAuditMonths: auditMonths,
        retentionRequestsMonths: requestsMonths,
      })
    },
  })

  app.route({
    ...retentionContract.due,
    config: { access: 'retention.read' },
    handler: async (request) => {
      const organizationIds = organizationsWhere(currentScope(request), 'retention.read')
      let organizations = (await retention.listOrganizationsRetention(db)).filter((o) => organizationIds.includes(o.id))
      if (request.query.organization !== undefined) {
        organizations = organizations.filter((o) => o.code === request.query.organization)
        if (!organizations.length) {
          throw new AppError('NOT_FOUND', `No organisation "${request.query.organization}" of yours`)
        }
      }
      const today = parisToday()
      const items = await listDueHouseholds(db, organizations, defaults, { today, days: request.query.days ?? 30 })
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: organizations.length === 1 ? organizations[0]!.id : null,
        action: 'retention.due_read',
        entityType: 'household',
        ip: request.ip,
        details: { results: items.length, organizations: organizations.map((o) => o.code) },
      })
      return { items, asOf: today }
    },
  })

  app.route({
    ...retentionContract.runs,
    config: { access: 'retention.read' },
    handler: async (request) => {
      const organizationIds = organizationsWhere(currentScope(request), 'retention.read')
      const rows = await retention.listPurgeRuns(db, organizationIds, request.query.limit ?? 20)
      return {
        items: rows.map((row) => ({
          ...row,
          dryRun: row.dryRun === 1,
          report: row.report ? (JSON.parse(row.report) as PurgeReport) : null,
        })),
      }
    },
  })
}
