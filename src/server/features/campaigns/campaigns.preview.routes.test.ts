import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeHousehold, makeOrganization, makeUser } from '../../../../test/factories.js'
import { addDays, parisToday } from '../../../shared/clock.js'
import { campaignsContract } from '../../../shared/contracts/campaigns.js'
import { yearsBefore } from './targeting.plan.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const context = await buildTestApp(t)
  const organization = await makeOrganization(context.db, { code: `ORG-${randomUUID().slice(0, 6)}` })
  const manager = await makeUser(context.db, 'manager', { organizationId: organization.id })
  return { ...context, organization, manager, headers: await context.loginAs(manager) }
}

/** An adult of 60 living with others, contacted yesterday: no priority point at all. */
const PLAIN = {
  birthDate: '1966-01-01',
  oldestBirthDate: '1966-01-01',
  livesAlone: 0,
  supportProgramme: 0,
  arrearsCents: 0,
  floor: 1,
  hasLift: 1,
}

describe('POST /api/campaigns/preview: the sample', () => {
  it('is the 20 matching households of highest priority, ties by reference, not the first references', async (t) => {
    const { app, db, organization, headers } = await setup(t)
    const today = parisToday()
    const yesterday = `${addDays(today, -1)}T10:00:00.000Z`
    // 30 households of low priority with the smallest references (TDL-0000001…30): the old sample's first 20.
    for (let index = 1; index <= 30; index++) {
      await makeHousehold(db, {
        organizationId: organization.id,
        externalRef: `TDL-${String(index).padStart(7, '0')}`,
        ...PLAIN,
        lastContactedAt: yesterday,
      })
    }
    // A 91-year-old living alone, never contacted, far down the references: 30 + 20 + 5 = 55 points.
    const eldest = await makeHousehold(db, {
      organizationId: organization.id,
      externalRef: 'TDL-0002400',
      lastName: 'Lefèvre',
      ...PLAIN,
      birthDate: yearsBefore(today, 91),
      oldestBirthDate: yearsBefore(today, 91),
      livesAlone: 1,
      lastContactedAt: null,
    })
    // 25 households of equal priority (supportProgramme: 15) whose references decide who is in.
    for (let index = 0; index < 25; index++) {
      await makeHousehold(db, {
        organizationId: organization.id,
        externalRef: `TDL-00010${String(index).padStart(2, '0')}`,
        ...PLAIN,
        supportProgramme: 1,
        lastContactedAt: yesterday,
      })
    }
    const response = await app.inject({
      method: 'POST',
      url: '/api/campaigns/preview',
      headers,
      payload: { organization: organization.code, targeting: { all: [] } },
    })
    assert.equal(response.statusCode, 200)
    assertMatchesContract(campaignsContract.preview, response)
    const { count, sample } = response.json() as {
      count: number
      sample: Array<{ id: string; externalRef: string; priority: number; age: number }>
    }
    assert.equal(count, 56)
    assert.equal(sample.length, 20)
    assert.deepEqual(sample[0], { ...sample[0], id: eldest.id, priority: 55, age: 91 }, 'the 91-year-old comes first')
    assert.deepEqual(
      sample.slice(1).map((row) => [row.externalRef, row.priority]),
      Array.from({ length: 19 }, (_, index) => [`TDL-00010${String(index).padStart(2, '0')}`, 15]),
      'then the highest priorities, ties by reference',
    )

    const weighted = await app.inject({
      method: 'POST',
      url: '/api/campaigns/preview',
      headers,
      payload: {
        organization: organization.code,
        targeting: { all: [] },
        priorityWeights: { age85: 0, livesAlone: 0, noRecentContact: 0, supportProgramme: 0 },
        sampleSize: 3,
      },
    })
    assert.deepEqual(
      weighted.json().sample.map((row: { externalRef: string; priority: number }) => [row.externalRef, row.priority]),
      [
        ['TDL-0000001', 0],
        ['TDL-0000002', 0],
        ['TDL-0000003', 0],
      ],
      'the manager’s weights order the sample',
    )
  })
})

describe('POST /api/campaigns/preview/explain', () => {
  it('explains a household against the rule being edited, with its priority line by line', async (t) => {
    const { app, db, organization, headers, loginAs } = await setup(t)
    const today = parisToday()
    const household = await makeHousehold(db, {
      organizationId: organization.id,
      ...PLAIN,
      birthDate: yearsBefore(today, 91),
      oldestBirthDate: yearsBefore(today, 91),
      livesAlone: 1,
      lastContactedAt: null,
    })
    const targeting = {
      any: [
        {
          all: [
            { field: 'age', op: '>=', value: 75 },
            { field: 'livesAlone', op: '=', value: true },
          ],
        },
        { field: 'supportProgramme', op: '=', value: true },
      ],
    }
    const response = await app.inject({
      method: 'POST',
      url: '/api/campaigns/preview/explain',
      headers,
      payload: { organization: organization.code, targeting, householdId: household.id },
    })
    assert.equal(response.statusCode, 200)
    assertMatchesContract(campaignsContract.previewExplain, response)
    const body = response.json()
    assert.equal(body.matches, true)
    assert.equal(body.explanation.holds, true)
    assert.deepEqual(
      body.explanation.children.map((child: { holds: boolean }) => child.holds),
      [true, false],
    )
    assert.equal(body.priority.score, 55)
    assert.deepEqual(
      body.priority.reasons.map((reason: { key: string; points: number }) => [reason.key, reason.points]),
      [
        ['age85', 30],
        ['livesAlone', 20],
        ['noRecentContact', 5],
      ],
    )
    assert.equal(body.target, null)
    const read = await db
      .selectFrom('auditEvent')
      .selectAll()
      .where('action', '=', 'campaign.explain')
      .executeTakeFirstOrThrow()
    assert.equal(read.entityId, household.id)

    const elsewhere = await makeHousehold(db, { organizationId: (await makeOrganization(db)).id })
    const foreign = await app.inject({
      method: 'POST',
      url: '/api/campaigns/preview/explain',
      headers,
      payload: { organization: organization.code, targeting, householdId: elsewhere.id },
    })
    assert.equal(foreign.statusCode, 404, 'a household of another organisation is not found')
    const caller = await makeUser(db, 'caller', { organizationId: organization.id })
    const refused = await app.inject({
      method: 'POST',
      url: '/api/campaigns/preview/explain',
      headers: await loginAs(caller),
      payload: { organization: organization.code, targeting, householdId: household.id },
    })
    assert.equal(refused.statusCode, 403)
  })
})
