import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { CallingHours, CampaignStatus, FrequencyCap } from '../../../shared/campaigns.js'
import { planningContract } from '../../../shared/contracts/planning.js'
import { PLANNING_DEFAULTS, planCampaign } from '../../../shared/planning.js'
import { AppError } from '../../http/errors.js'
import { organizationsWhere } from '../../policy/policy.js'
import { findCampaignById } from '../campaigns/campaigns.queries.js'
import * as planning from './planning.queries.js'

function badParameter(field: string, value: unknown, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message} (got "${String(value)}")`, [{ field, value, message }])
}

/** A whole number within bounds, or undefined when absent; 400 naming the parameter and its value otherwise. */
function readInteger(field: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw badParameter(field, value, `expected a whole number from ${min} to ${max}`)
  }
  return Number(value)
}

function readHours(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const hours = Number(value.replace(',', '.'))
  if (!/^\d+([.,]\d+)?$/.test(value) || hours < 0.5 || hours > 168) {
    throw badParameter('hoursPerWeek', value, 'expected hours per week from 0.5 to 168')
  }
  return hours
}

export const planningRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.route({
    ...planningContract.plan,
    config: { access: 'campaign.manage' },
    handler: async (request) => {
      const campaign = await findCampaignById(
        db,
        organizationsWhere(request.scope, 'campaign.manage'),
        request.params.id,
      )
      if (!campaign) throw new AppError('NOT_FOUND', 'No such campaign')
      const requestedCallers = readInteger('callers', request.query.callers, 1, 10_000)
      const targetDays = readInteger('days', request.query.days, 1, 3650)
      const hoursPerWeek = readHours(request.query.hoursPerWeek) ?? PLANNING_DEFAULTS.hoursPerWeekPerCaller

      const [remainingHouseholds, observations, available] = await Promise.all([
        planning.countRemainingHouseholds(db, campaign),
        planning.observeCampaign(db, campaign.id),
        planning.countAvailableCallers(db, campaign.id, campaign.organizationId),
      ])
      // Without a number of callers or a deadline, estimate with the team the campaign has.
      const callers = requestedCallers ?? (targetDays === undefined ? Math.max(1, available.count) : undefined)
      const plan = planCampaign({
        remainingHouseholds,
        observations,
        campaign: {
          callingHours: JSON.parse(campaign.callingHours) as CallingHours,
          maxAttempts: campaign.maxAttempts,
          frequencyCap: JSON.parse(campaign.frequencyCap) as FrequencyCap,
        },
        hoursPerWeekPerCaller: hoursPerWeek,
        callers,
        targetDays,
      })
      const finite = (value: number) => (Number.isFinite(value) ? value : null)
      return {
        campaign: { id: campaign.id, name: campaign.name, status: campaign.status as CampaignStatus },
        availableCallers: available,
        callersSource:
          requestedCallers !== undefined ? ('requested' as const) : callers !== undefined ? available.source : null,
        hoursPerWeekSource: request.query.hoursPerWeek ? ('requested' as const) : ('default' as const),
        ...plan,
        // A team without calling hours never finishes: no number of days (nor weeks) to give.
        estimate: plan.estimate && {
          ...plan.estimate,
          days: finite(plan.estimate.days),
          weeks: finite(plan.estimate.weeks),
        },
      }
    },
  })
}
