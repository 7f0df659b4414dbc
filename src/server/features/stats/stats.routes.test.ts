import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeCall } from '../../../../test/factories.js'
import { type Count, SUPPRESSED, WITHHELD } from '../../../shared/contracts/stats.js'
import { PERIOD, seedStatsFixture } from './stats.fixture.js'
import { type CountGroup, feasibleRanges, knownRange } from './stats.suppression.js'

// Every expected figure below is counted by hand from stats.fixture.ts (see the comments there for each call's
// Europe/Paris day). Dispositions, statuses and categories absent from the fixture are 0.

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const context = await buildTestApp(t)
  const fixture = await seedStatsFixture(context.db)
  const sessions = new Map<string, { cookie: string }>()
  const as = async (who: keyof typeof fixture.users) => {
    if (!sessions.has(who)) sessions.set(who, await context.loginAs(fixture.users[who]))
    return sessions.get(who)!
  }
  const get = async (who: keyof typeof fixture.users, path: string, query: Record<string, string> = {}) => {
    const params = new URLSearchParams({ from: PERIOD.from, to: PERIOD.to, ...query })
    return context.app.inject({ method: 'GET', url: `/api/stats/${path}?${params}`, headers: await as(who) })
  }
  return { ...context, ...fixture, get }
}

const zeros = (keys: string[]) => Object.fromEntries(keys.map((key) => [key, 0]))
const DISPOSITIONS = [
  'completed',
  'refused',
  'callback',
  'no_answer',
  'voicemail',
  'busy',
  'wrong_number',
  'not_in_service',
  'moved_out',
  'deceased',
  'other',
]
const STATUSES = ['sent', 'accepted', 'rejected', 'in_progress', 'done', 'revoked']
const CATEGORIES = [
  'isolation',
  'health_autonomy',
  'food',
  'finances_arrears',
  'income_loss',
  'family_violence',
  'housing_repair',
  'admin_digital',
  'psychological_distress',
  'other',
]
const bucketsOf = (list: Array<{ key: string; count: unknown }>) =>
  Object.fromEntries(list.map((b) => [b.key, b.count]))

describe('stats: the review’s figures', () => {
  it('counts an organisation exactly for its manager, on Europe/Paris days across the end of summer time', async (t) => {
    const { get, a } = await setup(t)
    const scope = `organization:${a.code}`
    const summary = await get('managerA', 'summary', { scope })
    assert.equal(summary.statusCode, 200, summary.body)
    assert.deepEqual(summary.json(), {
      // Targets of cA1 (cA2 closed before the period; h5's target was removed): h1 h2 h3 h4 hShared.
      // Attempted in the period: h1 h2 h4 hShared; reached: h1 h2 hShared; unreachable: h4.
      households: { targeted: 5, attempted: 4, reached: 3, unreachable: 1 },
      rates: { reachedOfAttempted: 0.75, reachedOfTargeted: 0.6 },
      // c1 c2 c3 c4 c7 c8 c11 (c5 is 23:59:59 on the 23rd, c6 midnight on the 27th, Paris time).
      calls: { total: 7, byDisposition: { ...zeros(DISPOSITIONS), completed: 4, no_answer: 3 } },
      referrals: {
        total: 3,
        byStatus: { ...zeros(STATUSES), done: 2, sent: 1 },
        byCategory: { ...zeros(CATEGORIES), food: 2, isolation: 1 },
      },
      callers: { active: 2 },
    })

    const reach = (await get('managerA', 'panels/reach', { scope })).json()
    assert.deepEqual(reach, {
      targeted: 5,
      attempted: 4,
      reached: 3,
      // 3 reached of 4 called, of 5 targeted: two rates, labelled apart (a board read reached ÷ targeted as reachability).
      rates: { reachedOfAttempted: 0.75, reachedOfTargeted: 0.6 },
      // Households first reached in the period and the calls it took: h1 c1 (1), h2 c3 c4 (2), hShared c8 (1); h3's
      // first success c6 falls on the 27th.
      attemptsPerReached: 1.33,
      unreachable: 1,
    })

    const calls = (await get('managerA', 'panels/calls', { scope })).json()
    assert.deepEqual(calls.perDay, [
      { key: '2026-10-24', count: 3 }, // c1 (23:59), c8, c11
      { key: '2026-10-25', count: 3 }, // c2 (00:00), c7, c3 (23:30 winter time)
      { key: '2026-10-26', count: 1 }, // c4 (00:00)
    ])
    assert.equal(calls.total, 7)
    assert.deepEqual(bucketsOf(calls.byDisposition), { ...zeros(DISPOSITIONS), completed: 4, no_answer: 3 })
    // Durations recorded: 600, 30, 900, 300, 200.
    assert.equal(calls.averageDurationSeconds, 406)
    assert.equal(calls.medianDurationSeconds, 300)

    const findings = (await get('managerA', 'panels/findings', { scope })).json()
    // Latest completed call per household: h1 c1 fragile, h2 c4 watch, hShared c7 (after c8) high vulnerability.
    assert.deepEqual(bucketsOf(findings.fragility), { none: 0, watch: 1, fragile: 1, high_vulnerability: 1 })
    assert.deepEqual(bucketsOf(findings.needs), { ...zeros(CATEGORIES), food: 2, isolation: 1, health_autonomy: 1 })
    // Latest scored interview per household: h1 c1 (UCLA lonely, USDA low), h2 c4 (EPICES precarious, LSNS not at
    // risk, UCLA not lonely), hShared c7 (FRAIL frail, USDA very low).
    assert.deepEqual(
      findings.instruments.map((i: Record<string, unknown>) => [i.instrument, i.scored, i.positive, i.share]),
      [
        ['epices', 1, 1, 1],
        ['lsns6', 1, 0, 0],
        ['ucla3', 2, 1, 0.5],
        ['frail', 1, 1, 1],
        ['usda6', 2, 2, 1],
      ],
    )

    const referrals = (await get('managerA', 'panels/referrals', { scope })).json()
    assert.equal(referrals.total, 3)
    assert.deepEqual(bucketsOf(referrals.byRecipient), {
      [`Organisation P-${a.code.slice(2)}`]: 2,
      'Bailleur A — Service social': 1,
    })
    // Accepted after 2 h and 10 h; resolved after 24 h (in time) and 48 h (late). p90 is the nearest rank.
    assert.deepEqual(referrals.hoursToAccept, { median: 6, p90: 10 })
    assert.deepEqual(referrals.hoursToResolve, { median: 36, p90: 48 })
    assert.equal(referrals.resolvedWithinDue, 0.5)

    const callers = (await get('managerA', 'panels/callers', { scope })).json()
    assert.deepEqual(callers, {
      active: 2,
      callsPerCaller: { median: 3.5, max: 4 }, // callerA1: c1 c2 c11; callerA2: c3 c4 c7 c8
      feedback: {
        answers: 2,
        meaningful: [
          { key: '1', count: 0 },
          { key: '2', count: 0 },
          { key: '3', count: 1 },
          { key: '4', count: 0 },
          { key: '5', count: 1 },
        ],
        useful: [
          { key: '1', count: 0 },
          { key: '2', count: 0 },
          { key: '3', count: 1 },
          { key: '4', count: 1 },
          { key: '5', count: 0 },
        ],
        comments: ['Échange fort'],
      },
      debriefsRequested: 1,
    })
  })

  it('counts the network once per home: the home known to A and B is one household', async (t) => {
    const { get } = await setup(t)
    const summary = await get('adminA', 'summary', { scope: 'network' })
    assert.equal(summary.statusCode, 200, summary.body)
    assert.deepEqual(summary.json(), {
      // A: h1 h2 h3 h4 hShared; B: hSharedB (= hShared) and b2 → 6 homes. Attempted: h1 h2 h4 home b2.
      households: { targeted: 6, attempted: 5, reached: 3, unreachable: 2 },
      rates: { reachedOfAttempted: 0.6, reachedOfTargeted: 0.5 },
      calls: { total: 9, byDisposition: { ...zeros(DISPOSITIONS), completed: 5, no_answer: 3, busy: 1 } },
      referrals: {
        total: 4,
        byStatus: { ...zeros(STATUSES), done: 2, sent: 1, accepted: 1 },
        byCategory: { ...zeros(CATEGORIES), food: 2, isolation: 1, health_autonomy: 1 },
      },
      callers: { active: 3 },
    })
    const reach = (await get('adminA', 'panels/reach', { scope: 'network' })).json()
    // Calls it took to first reach each home: h1 1 (c1), h2 2 (c3 c4), the shared home 1 (c8, before c7 and B's c9).
    assert.equal(reach.attemptsPerReached, 1.33)
    assert.deepEqual(reach.rates, { reachedOfAttempted: 0.6, reachedOfTargeted: 0.5 })
    const findings = (await get('adminA', 'panels/findings', { scope: 'network' })).json()
    // The shared home's latest completed call is B's c9 (fragile, UCLA not lonely, food).
    assert.deepEqual(bucketsOf(findings.fragility), { none: 0, watch: 1, fragile: 2, high_vulnerability: 0 })
    assert.deepEqual(bucketsOf(findings.needs), { ...zeros(CATEGORIES), food: 3, isolation: 1, health_autonomy: 1 })
    assert.deepEqual(
      findings.instruments.map((i: Record<string, unknown>) => [i.instrument, i.scored, i.positive]),
      [
        ['epices', 1, 1],
        ['lsns6', 1, 0],
        ['ucla3', 3, 1],
        ['usda6', 1, 1],
      ],
    )
    const referrals = (await get('adminA', 'panels/referrals', { scope: 'network' })).json()
    assert.deepEqual(referrals.hoursToAccept, { median: 4, p90: 10 })
  })

  it('narrows to a campaign and to an agency', async (t) => {
    const { get, a, campaigns } = await setup(t)
    const campaign = (await get('managerB', 'summary', { scope: `campaign:${campaigns.cB1.id}` })).json()
    assert.deepEqual(campaign.households, { targeted: 2, attempted: 2, reached: 1, unreachable: 1 })
    assert.equal(campaign.calls.total, 2)
    assert.equal(campaign.referrals.total, 1)
    const callers = (await get('managerB', 'panels/callers', { scope: `campaign:${campaigns.cB1.id}` })).json()
    assert.equal(callers.debriefsRequested, 1)
    assert.equal(callers.feedback.answers, 1)

    const sud = (await get('managerA', 'summary', { scope: `organization:${a.code}`, agency: 'sud' })).json()
    // Agency Sud: h3 and h4; only c11 (h4, no answer) falls in the period.
    assert.deepEqual(sud.households, { targeted: 2, attempted: 1, reached: 0, unreachable: 1 })
    assert.equal(sud.calls.total, 1)
    assert.equal(sud.referrals.total, 0)
  })

  it('shows a viewer every count under 5 as "< 5", withholds figures derived from them, and no comments', async (t) => {
    const { get, a } = await setup(t)
    const scope = `organization:${a.code}`
    const summary = (await get('viewerA', 'summary', { scope })).json()
    assert.deepEqual(summary.households, { targeted: 5, attempted: '< 5', reached: '< 5', unreachable: '< 5' })
    assert.equal(summary.calls.total, 7)
    assert.equal(summary.calls.byDisposition.completed, '< 5')
    assert.equal(summary.calls.byDisposition.busy, 0, '0 stays 0')
    assert.equal(summary.referrals.total, '< 5')
    assert.equal(summary.callers.active, '< 5')
    const reach = (await get('viewerA', 'panels/reach', { scope })).json()
    assert.deepEqual(reach.rates, { reachedOfAttempted: null, reachedOfTargeted: null }, 'withheld with their counts')
    assert.deepEqual(summary.rates, reach.rates, 'the summary withholds them alike')
    assert.equal(reach.attemptsPerReached, null)
    const calls = (await get('viewerA', 'panels/calls', { scope })).json()
    assert.equal(calls.medianDurationSeconds, 300, 'five durations: shown')
    assert.ok(calls.perDay.every((day: { count: unknown }) => day.count === '< 5'))
    const referrals = (await get('viewerA', 'panels/referrals', { scope })).json()
    assert.deepEqual(referrals.hoursToAccept, { median: null, p90: null })
    assert.equal(referrals.resolvedWithinDue, null)
    const callers = (await get('viewerA', 'panels/callers', { scope })).json()
    assert.deepEqual(callers.feedback.comments, [])
    assert.deepEqual(callers.callsPerCaller, { median: null, max: null })
    const findings = (await get('viewerA', 'panels/findings', { scope })).json()
    assert.ok(findings.instruments.every((i: { share: unknown }) => i.share === null))

    // A manager of B looking at the whole network sees other organisations' tenants: suppressed too.
    const network = (await get('managerB', 'summary', { scope: 'network' })).json()
    assert.deepEqual(network.households, { targeted: 6, attempted: 5, reached: '< 5', unreachable: '< 5' })
    const viewerNetwork = await get('viewerB', 'summary', { scope: 'network' })
    assert.equal(viewerNetwork.statusCode, 200)
  })

  it('returns the whole review and records its reading', async (t) => {
    const { get, db, a } = await setup(t)
    const response = await get('managerA', 'review', { scope: `organization:${a.code}` })
    assert.equal(response.statusCode, 200)
    const review = response.json()
    assert.equal(review.scopeLabel, 'Bailleur A')
    assert.deepEqual(review.period, PERIOD)
    assert.deepEqual(review.scope, { kind: 'organization', code: a.code })
    assert.equal(review.summary.calls.total, 7)
    assert.equal(review.reach.reached, 3)
    assert.equal(review.calls.perDay.length, 3)
    const audit = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'stats.review_read').execute()
    assert.equal(audit.length, 1)
    assert.equal(audit[0]!.entityId, `organization:${a.code}`)
  })
})

describe('stats: a small count cannot be worked out from the others', () => {
  /** The values a viewer can infer for each count of an answer, from what it shows and how its counts add up. */
  function inferable(shown: Record<string, Count>, groups: CountGroup[]) {
    return feasibleRanges(Object.keys(shown), groups, (id) => knownRange(shown[id]))
  }

  it('withholds more than the callbacks when the total minus the other dispositions would give them', async (t) => {
    const { get, db, a, households, campaigns, users } = await setup(t)
    // Organisation A already has 4 completed and 3 unanswered calls in the period (24–26 October, Paris): 16 more
    // completed, 5 more unanswered and 2 callbacks make 30 calls, of which completed 20, no answer 8, callback 2.
    const target = await db
      .selectFrom('campaignTarget')
      .select('id')
      .where('campaignId', '=', campaigns.cA1.id)
      .where('householdId', '=', households.h1.id)
      .executeTakeFirstOrThrow()
    const extra = [
      ...Array.from({ length: 16 }, () => 'completed'),
      ...Array.from({ length: 5 }, () => 'no_answer'),
      'callback',
      'callback',
    ]
    const onH1 = { id: target.id, campaignId: campaigns.cA1.id, householdId: households.h1.id, organizationId: a.id }
    for (const [index, disposition] of extra.entries()) {
      await makeCall(db, onH1, users.callerA1.id, {
        attempt: 100 + index,
        disposition,
        // Noon in Paris on the 24th and 26th, alternately.
        createdAt: index % 2 ? '2026-10-24T10:00:00.000Z' : '2026-10-26T11:00:00.000Z',
      })
    }
    const scope = `organization:${a.code}`
    const exact = (await get('managerA', 'summary', { scope })).json()
    assert.equal(exact.calls.total, 30)
    assert.deepEqual(
      [exact.calls.byDisposition.completed, exact.calls.byDisposition.no_answer, exact.calls.byDisposition.callback],
      [20, 8, 2],
    )

    const summary = (await get('viewerA', 'summary', { scope })).json()
    const byDisposition: Record<string, Count> = summary.calls.byDisposition
    assert.equal(summary.calls.total, 30)
    assert.equal(byDisposition.callback, SUPPRESSED)
    assert.equal(byDisposition.completed, 20)
    // Total minus the numbers shown no longer isolates the callbacks: another disposition is withheld with them.
    const withheld = Object.entries(byDisposition).filter(([, count]) => typeof count !== 'number')
    assert.ok(withheld.length >= 2, JSON.stringify(byDisposition))
    const shown: Record<string, Count> = { total: summary.calls.total }
    for (const [key, count] of Object.entries(byDisposition)) shown[key] = count
    const ranges = inferable(shown, [{ total: 'total', parts: Object.keys(byDisposition) }])
    const [lo, hi] = ranges.get('callback')!
    assert.ok(lo < hi, `callbacks pinned to ${lo}`)

    // The calls panel breaks the same total down by day too: both breakdowns hold together.
    const calls = (await get('viewerA', 'panels/calls', { scope })).json()
    const panel: Record<string, Count> = { total: calls.total }
    for (const bucket of calls.byDisposition) panel[`d:${bucket.key}`] = bucket.count
    for (const bucket of calls.perDay) panel[`day:${bucket.key}`] = bucket.count
    const groups = [
      { total: 'total', parts: calls.byDisposition.map((b: { key: string }) => `d:${b.key}`) },
      { total: 'total', parts: calls.perDay.map((b: { key: string }) => `day:${b.key}`) },
    ]
    for (const [id, [low, high]] of inferable(panel, groups)) {
      if (panel[id] === SUPPRESSED) assert.ok(low < high, `${id} pinned to ${low}: ${JSON.stringify(panel)}`)
    }
    // Every answer shows the family as decided once: the summary, the panel and the review agree.
    assert.deepEqual(
      Object.fromEntries(calls.byDisposition.map((b: { key: string; count: Count }) => [b.key, b.count])),
      byDisposition,
    )
    const review = (await get('viewerA', 'review', { scope })).json()
    assert.deepEqual(review.summary, summary)
    assert.deepEqual(review.calls, calls)
    // "≥ 5" only ever stands for a count of 5 or more.
    for (const [key, count] of Object.entries(byDisposition)) {
      if (count === WITHHELD) assert.ok(exact.calls.byDisposition[key] >= 5, key)
    }
  })
})

describe('stats: who may read what', () => {
  it('refuses callers, social workers and partners (403), scopes out of reach (404)', async (t) => {
    const { get, app, a, b, x, campaigns } = await setup(t)
    for (const who of ['callerA1', 'socialWorkerA', 'partnerP'] as const) {
      const response = await get(who, 'summary', { scope: `organization:${a.code}` })
      assert.equal(response.statusCode, 403, who)
      assert.equal(response.json().error.code, 'FORBIDDEN')
      assert.equal((await get(who, 'panels/reach', { scope: 'network' })).statusCode, 403, who)
      assert.equal((await get(who, 'review', { scope: 'network' })).statusCode, 403, who)
    }
    const unauthenticated = await app.inject({
      method: 'GET',
      url: `/api/stats/summary?scope=network&from=${PERIOD.from}&to=${PERIOD.to}`,
    })
    assert.equal(unauthenticated.statusCode, 401)
    assert.equal((await get('managerB', 'summary', { scope: `organization:${a.code}` })).statusCode, 404)
    assert.equal((await get('viewerB', 'panels/calls', { scope: `organization:${a.code}` })).statusCode, 404)
    assert.equal((await get('managerB', 'summary', { scope: `campaign:${campaigns.cA1.id}` })).statusCode, 404)
    assert.equal((await get('managerA', 'summary', { scope: 'organization:nope' })).statusCode, 404)
    assert.equal((await get('managerA', 'summary', { scope: 'campaign:nope' })).statusCode, 404)
    assert.equal((await get('adminA', 'summary', { scope: `organization:${x.code}` })).statusCode, 404, 'other network')
    // A network admin reads any organisation of the network, exactly.
    const other = await get('adminA', 'summary', { scope: `organization:${b.code}` })
    assert.equal(other.statusCode, 200)
    assert.deepEqual(other.json().households, { targeted: 2, attempted: 2, reached: 1, unreachable: 1 })
    // The other network's admin sees none of this network.
    const elsewhere = (await get('adminX', 'summary', { scope: 'network' })).json()
    assert.deepEqual(elsewhere.households, { targeted: 0, attempted: 0, reached: 0, unreachable: 0 })
    assert.equal(elsewhere.calls.total, 0)
  })

  it('answers 400 naming the parameter and its value', async (t) => {
    const { get, a } = await setup(t)
    const cases: Array<[string, Record<string, string>, string, string | undefined]> = [
      ['summary', { scope: 'everything' }, 'scope', 'everything'],
      ['summary', { scope: 'organisation:A' }, 'scope', 'organisation:A'],
      ['summary', { scope: 'network', from: '2026-02-30' }, 'from', '2026-02-30'],
      ['summary', { scope: 'network', to: '26/10/2026' }, 'to', '26/10/2026'],
      ['summary', { scope: 'network', from: '2026-10-27' }, 'from', '2026-10-27'],
      ['summary', { scope: 'network', from: '' }, 'from', undefined],
      ['summary', { scope: 'network', agency: 'sud' }, 'agency', 'sud'],
      ['panels/reach', { scope: `organization:${a.code}`, agency: 'ouest' }, 'agency', 'ouest'],
      ['panels/reach', { scope: 'network', extra: '1' }, 'extra', undefined],
      ['panels/maps', { scope: 'network' }, 'panel', undefined],
    ]
    for (const [path, query, field, value] of cases) {
      const response = await get('adminA', path, query)
      assert.equal(response.statusCode, 400, `${path} ${JSON.stringify(query)}: ${response.body}`)
      const error = response.json().error
      const details = Array.isArray(error.details) ? error.details : [error.details]
      assert.ok(
        details.some((d: { field: string }) => d.field === field),
        `${field} named: ${response.body}`,
      )
      if (value) assert.ok(error.message.includes(value), `${value} in "${error.message}"`)
    }
  })
})
