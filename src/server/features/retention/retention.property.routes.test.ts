/**
 * Property: over random small histories (households sharing homes or not, calls with outcomes, needs and fragility,
 * orientations opened and closed at random dates), a purge as of a random later day never changes a review figure of
 * any period: the whole review (network and organisation, three periods) is compared before and after.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { buildTestApp } from '../../../../test/app.js'
import {
  makeCall,
  makeCampaign,
  makeOrganization,
  makeReferral,
  makeTarget,
  makeUser,
} from '../../../../test/factories.js'
import { DISPOSITIONS, FRAGILITY_LEVELS, NEED_CATEGORIES } from '../../../shared/campaigns.js'
import { runPurge } from './retention.service.js'

const NEEDS = NEED_CATEGORIES.slice(0, 3)
const FRAGILITY = FRAGILITY_LEVELS
const day = (offset: number) => new Date(Date.UTC(2023, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10)

const history = fc.array(
  fc.record({
    home: fc.integer({ min: 0, max: 2 }),
    calls: fc.array(
      fc.record({
        at: fc.integer({ min: 0, max: 1000 }),
        disposition: fc.constantFrom(...DISPOSITIONS),
        needs: fc.subarray([...NEEDS]),
        fragility: fc.option(fc.constantFrom(...FRAGILITY), { nil: null }),
      }),
      { minLength: 0, maxLength: 3 },
    ),
    referral: fc.option(
      fc.record({ at: fc.integer({ min: 0, max: 1000 }), closedAfter: fc.option(fc.integer({ min: 1, max: 300 })) }),
      { nil: null },
    ),
  }),
  { minLength: 1, maxLength: 4 },
)

describe('retention: property over random histories', () => {
  it('a purge as of any later day changes no review figure of any period', async (t) => {
    let erased = 0
    await fc.assert(
      fc.asyncProperty(history, fc.integer({ min: 0, max: 1400 }), async (households, purgeOffset) => {
        const context = await buildTestApp(t)
        const { db, app } = context
        const organization = await makeOrganization(db)
        const manager = await makeUser(db, 'manager', { organizationId: organization.id })
        const admin = await makeUser(db, 'admin', { organizationId: organization.id })
        const campaign = await makeCampaign(db, { organizationId: organization.id, createdBy: manager.id })
        for (const [index, spec] of households.entries()) {
          const target = await makeTarget(db, campaign, {
            household: {
              lastName: `Nom${spec.home}`,
              addressLine1: `${spec.home} rue des Lilas`,
              externalRef: `R${index}`,
            },
          })
          for (const call of spec.calls) {
            await makeCall(db, target, manager.id, {
              disposition: call.disposition,
              needs: JSON.stringify(call.needs),
              fragilityLevel: call.fragility,
              notes: 'Note',
              durationSeconds: 120,
              createdAt: `${day(call.at)}T10:00:00.000Z`,
            })
          }
          if (spec.referral) {
            const createdAt = `${day(spec.referral.at)}T11:00:00.000Z`
            const closed = spec.referral.closedAfter
            await makeReferral(
              db,
              { householdId: target.householdId, organizationId: organization.id, senderUserId: manager.id, createdAt },
              {
                status: closed ? 'done' : 'in_progress',
                acceptedAt: createdAt,
                closedAt: closed ? `${day(spec.referral.at + closed)}T11:00:00.000Z` : null,
              },
            )
          }
        }
        const headers = { manager: await context.loginAs(manager), admin: await context.loginAs(admin) }
        const periods = [
          { from: '2023-01-01', to: '2023-12-31' },
          { from: '2024-01-01', to: '2025-12-31' },
          { from: '2023-07-01', to: '2026-06-30' },
        ]
        const reviews = async () => {
          const answers = []
          for (const period of periods) {
            for (const [who, scope] of [
              ['admin', 'network'],
              ['manager', `organization:${organization.code}`],
            ] as const) {
              const response = await app.inject({
                url: `/api/stats/review?${new URLSearchParams({ scope, ...period })}`,
                headers: headers[who],
              })
              assert.equal(response.statusCode, 200, response.body)
              const { generatedAt: _generatedAt, ...review } = response.json()
              answers.push(review)
            }
          }
          return answers
        }
        const before = await reviews()
        const outcome = await runPurge(db, {
          defaults: { contactMonths: 24, leftMonths: 3, auditMonths: 12, requestsMonths: 60 },
          asOf: day(purgeOffset + 400),
          trigger: 'cli',
        })
        assert.equal(outcome.status, 'done')
        if (outcome.status === 'done') erased += outcome.report.households.erased
        assert.deepEqual(await reviews(), before)
      }),
      { numRuns: 12, seed: 20261205, endOnFailure: true },
    )
    assert.ok(erased > 0, 'the histories drawn led purges to erase households')
  })
})
