import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeHousehold, makeOrganization, makePhone, makeUser } from '../../../../test/factories.js'
import { campaignsContract } from '../../../shared/contracts/campaigns.js'
import { QUESTIONNAIRE_LIMITS } from '../../../shared/questionnaire.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const context = await buildTestApp(t)
  const organization = await makeOrganization(context.db, { code: `ORG-${randomUUID().slice(0, 6)}` })
  const manager = await makeUser(context.db, 'manager', { organizationId: organization.id })
  const headers = await context.loginAs(manager)
  const household = async (fields: Parameters<typeof makeHousehold>[1] extends infer F ? Partial<F> : never) => {
    const row = await makeHousehold(context.db, { organizationId: organization.id, ...fields })
    await makePhone(context.db, row)
    return row
  }
  return { ...context, organization, manager, headers, household }
}

const seniorsAlone = {
  all: [
    { field: 'age', op: '>=', value: 75 },
    { field: 'livesAlone', op: '=', value: true },
  ],
}

describe('campaigns', () => {
  it('previews a target, creates a campaign from the heat-wave template, activates it and reports its progress', async (t) => {
    const { app, db, headers, organization, household } = await setup(t)
    await household({ birthDate: '1930-01-01', oldestBirthDate: '1930-01-01', livesAlone: 1, floor: 5, hasLift: 0 })
    await household({ birthDate: '1990-01-01', oldestBirthDate: '1990-01-01', livesAlone: 0 })
    await household({
      birthDate: '1945-06-01',
      oldestBirthDate: '1945-06-01',
      livesAlone: 1,
      objectionAt: '2026-01-01T00:00:00.000Z',
    })
    const preview = await app.inject({
      method: 'POST',
      url: '/api/campaigns/preview',
      headers,
      payload: { organization: organization.code, targeting: seniorsAlone },
    })
    assert.equal(preview.statusCode, 200)
    assertMatchesContract(campaignsContract.preview, preview)
    assert.equal(preview.json().count, 1, 'the household objecting to calls is never targeted')
    assert.ok(preview.json().sample[0].priority >= 50)
    const previewRead = await db
      .selectFrom('auditEvent')
      .selectAll()
      .where('action', '=', 'campaign.preview')
      .executeTakeFirstOrThrow()
    assert.equal(previewRead.organizationId, organization.id, 'the sample names tenants: its read is audited')
    assert.deepEqual(JSON.parse(previewRead.details ?? '{}'), { count: 1, sampled: 1 })

    const created = await app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers,
      payload: { name: 'Canicule juillet', type: 'heat_wave', organization: organization.code },
    })
    assert.equal(created.statusCode, 201)
    assertMatchesContract(campaignsContract.create, created)
    const campaign = created.json().campaign
    assert.equal(campaign.status, 'draft')
    assert.equal(campaign.callingHours.length, 7, 'the heat-wave template calls every day')
    assert.equal(campaign.questionnaire.version, 1)
    const activated = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/activate`, headers })
    assert.equal(activated.statusCode, 200)
    assertMatchesContract(campaignsContract.activate, activated)
    assert.equal(activated.json().campaign.status, 'active')
    const listed = await app.inject({ url: '/api/campaigns', headers })
    assertMatchesContract(campaignsContract.list, listed)
    assert.deepEqual(
      listed.json().items.map((item: { id: string; status: string }) => [item.id, item.status]),
      [[campaign.id, 'active']],
    )
    assertMatchesContract(campaignsContract.templates, await app.inject({ url: '/api/campaign-templates', headers }))
    assert.deepEqual(activated.json().campaign.progress, {
      targeted: 1,
      pending: 1,
      inProgress: 0,
      completed: 0,
      unreachable: 0,
      noUsablePhone: 0,
      excluded: 0,
    })
    const again = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/activate`, headers })
    assert.equal(again.statusCode, 409, 'an active campaign cannot be activated again')
  })

  it('widens and narrows a running campaign without calling anyone twice and keeps history', async (t) => {
    const { app, db, headers, organization, household } = await setup(t)
    const alone = await household({ birthDate: '1935-01-01', oldestBirthDate: '1935-01-01', livesAlone: 1 })
    const couple = await household({
      birthDate: '1938-01-01',
      oldestBirthDate: '1938-01-01',
      livesAlone: 0,
      occupants: 2,
    })
    const young = await household({
      birthDate: '1985-01-01',
      oldestBirthDate: '1985-01-01',
      livesAlone: 0,
      supportProgramme: 1,
    })
    const campaign = (
      await app.inject({
        method: 'POST',
        url: '/api/campaigns',
        headers,
        payload: { name: 'Isolement', type: 'crisis_check', organization: organization.code, targeting: seniorsAlone },
      })
    ).json().campaign
    await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/activate`, headers })
    // The isolated senior is called and reached.
    await db
      .updateTable('campaignTarget')
      .set({ status: 'completed', attempts: 1 })
      .where('householdId', '=', alone.id)
      .execute()

    const widened = await app.inject({
      method: 'PUT',
      url: `/api/campaigns/${campaign.id}/targeting`,
      headers,
      payload: {
        targeting: {
          any: [
            { field: 'age', op: '>=', value: 75 },
            { field: 'supportProgramme', op: '=', value: true },
          ],
        },
      },
    })
    assert.equal(widened.statusCode, 200)
    assertMatchesContract(campaignsContract.retarget, widened)
    assert.deepEqual(widened.json().changes, {
      added: 2,
      restored: 0,
      removed: 0,
      targeted: 3,
      noUsablePhone: 0,
      phoneFound: 0,
    })
    const states = async () =>
      Object.fromEntries(
        (
          await db
            .selectFrom('campaignTarget')
            .select(['householdId', 'status'])
            .where('campaignId', '=', campaign.id)
            .execute()
        ).map((row) => [row.householdId, row.status]),
      )
    assert.deepEqual(await states(), { [alone.id]: 'completed', [couple.id]: 'pending', [young.id]: 'pending' })

    const narrowed = await app.inject({
      method: 'PUT',
      url: `/api/campaigns/${campaign.id}/targeting`,
      headers,
      payload: { targeting: { field: 'occupants', op: '>=', value: 2 } },
    })
    assert.deepEqual(narrowed.json().changes, {
      added: 0,
      restored: 0,
      removed: 1,
      targeted: 1,
      noUsablePhone: 0,
      phoneFound: 0,
    })
    assert.deepEqual(
      await states(),
      { [alone.id]: 'completed', [couple.id]: 'pending', [young.id]: 'excluded' },
      'history kept, nobody deleted',
    )

    const back = await app.inject({
      method: 'PUT',
      url: `/api/campaigns/${campaign.id}/targeting`,
      headers,
      payload: { targeting: { all: [] } },
    })
    assert.deepEqual(back.json().changes, {
      added: 0,
      restored: 1,
      removed: 0,
      targeted: 3,
      noUsablePhone: 0,
      phoneFound: 0,
    })
    assert.equal((await states())[alone.id], 'completed', 'the household already reached is not queued again')
    const progress = (await app.inject({ url: `/api/campaigns/${campaign.id}`, headers })).json().campaign.progress
    assert.deepEqual(progress, {
      targeted: 3,
      pending: 2,
      inProgress: 0,
      completed: 1,
      unreachable: 0,
      noUsablePhone: 0,
      excluded: 0,
    })
  })

  it('refuses an unknown field or operator with 400 naming it, and a campaign of an organisation the user does not manage', async (t) => {
    const { app, headers, organization } = await setup(t)
    const bad = await app.inject({
      method: 'POST',
      url: '/api/campaigns/preview',
      headers,
      payload: {
        organization: organization.code,
        targeting: {
          all: [
            { field: 'age', op: '>=', value: 75 },
            { field: 'agee', op: '=', value: 3 },
          ],
        },
      },
    })
    assert.equal(bad.statusCode, 400)
    assert.equal(bad.json().error.details[0].field, 'targeting.all[1].field')
    assert.match(bad.json().error.message, /unknown field "agee"/)
    const badOp = await app.inject({
      method: 'POST',
      url: '/api/campaigns/preview',
      headers,
      payload: { organization: organization.code, targeting: { field: 'age', op: 'like', value: 3 } },
    })
    assert.match(badOp.json().error.message, /unknown operator "like"/)
    const other = await makeOrganization((await setup(t)).db)
    const foreign = await app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers,
      payload: { name: 'Essai', type: 'custom', organization: other.code },
    })
    assert.equal(foreign.statusCode, 400)
    const badQuestionnaire = await app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers,
      payload: {
        name: 'Essai',
        type: 'custom',
        organization: organization.code,
        questionnaire: { sections: [{ id: 's', instrument: 'phq9' }] },
      },
    })
    assert.equal(badQuestionnaire.statusCode, 400)
    assert.equal(badQuestionnaire.json().error.details[0].field, 'questionnaire.sections[0].instrument')
    const badScript = await app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers,
      payload: { name: 'Essai', type: 'custom', organization: organization.code, script: 'Bonjour {{age}}' },
    })
    assert.match(badScript.json().error.message, /\{\{age\}\}/)
  })

  it('versions the questionnaire: a change makes version 2 and earlier answers keep version 1', async (t) => {
    const { app, headers, organization } = await setup(t)
    const campaign = (
      await app.inject({
        method: 'POST',
        url: '/api/campaigns',
        headers,
        payload: { name: 'Questionnaire', type: 'satisfaction', organization: organization.code },
      })
    ).json().campaign
    const changed = await app.inject({
      method: 'PATCH',
      url: `/api/campaigns/${campaign.id}`,
      headers,
      payload: { questionnaire: { sections: [{ id: 'frailty', instrument: 'frail' }] } },
    })
    assert.equal(changed.statusCode, 200)
    assertMatchesContract(campaignsContract.update, changed)
    assert.equal(changed.json().campaign.questionnaire.version, 2)
    assert.notEqual(changed.json().campaign.questionnaire.versionId, campaign.questionnaire.versionId)
  })

  it('takes a conditional question mapped to a need as a new version, and refuses a questionnaire past its bounds', async (t) => {
    const { app, headers, organization } = await setup(t)
    const campaign = (
      await app.inject({
        method: 'POST',
        url: '/api/campaigns',
        headers,
        payload: { name: 'Bornes', type: 'custom', organization: organization.code },
      })
    ).json().campaign
    const L = QUESTIONNAIRE_LIMITS
    const question = (id: string, extra: Record<string, unknown> = {}) => ({
      id,
      type: 'yes_no',
      label: 'Avez-vous besoin d’aide ?',
      required: false,
      ...extra,
    })
    const withQuestions = (questions: unknown[]) => ({ sections: [{ id: 'main', title: 'Situation', questions }] })
    const patch = (questionnaire: unknown) =>
      app.inject({ method: 'PATCH', url: `/api/campaigns/${campaign.id}`, headers, payload: { questionnaire } })

    const good = await patch(
      withQuestions([
        question('shopping', { needIfYes: 'food' }),
        {
          id: 'which',
          type: 'single_choice',
          label: 'Pour quoi ?',
          required: true,
          options: [
            { code: 'food', label: 'Les courses', need: 'food' },
            { code: 'meds', label: 'Les médicaments' },
          ],
          showIf: { question: 'shopping', equals: true },
        },
      ]),
    )
    assert.equal(good.statusCode, 200, good.body)
    assertMatchesContract(campaignsContract.update, good)
    assert.equal(good.json().campaign.questionnaire.version, campaign.questionnaire.version + 1)
    assert.deepEqual(good.json().campaign.questionnaire.definition.sections[0].questions[1].showIf, {
      question: 'shopping',
      equals: true,
    })

    const refusals: Array<[string, unknown, RegExp]> = [
      ['a label past its bound', withQuestions([question('a', { label: 'é'.repeat(L.labelLength + 1) })]), /label/],
      [
        'too many options',
        withQuestions([
          question('a', {
            type: 'multiple_choice',
            options: Array.from({ length: L.options + 1 }, (_, i) => ({ code: `o${i}`, label: `Option ${i}` })),
          }),
        ]),
        /options/,
      ],
      [
        'too many questions in a section',
        withQuestions(Array.from({ length: L.questionsPerSection + 1 }, (_, i) => question(`q${i}`))),
        /questions/,
      ],
      [
        'too many questions in all',
        {
          sections: Array.from({ length: Math.ceil(L.questions / L.questionsPerSection) + 1 }, (_, s) => ({
            id: `s${s}`,
            title: `Partie ${s}`,
            questions: Array.from({ length: L.questionsPerSection }, (_, i) => question(`q${s}_${i}`)),
          })),
        },
        /at most 120 questions in all/,
      ],
      [
        'too many sections',
        { sections: Array.from({ length: L.sections + 1 }, (_, i) => ({ id: `s${i}`, title: 'x', questions: [] })) },
        /sections/,
      ],
      ['an unknown key', withQuestions([question('a', { weight: 3 })]), /weight|additional/i],
      ['a huge number bound', withQuestions([question('a', { type: 'number', max: 1e20 })]), /max/],
      [
        'a minimum above the maximum',
        withQuestions([question('a', { type: 'number', min: 5, max: 1 })]),
        /maximum is below/,
      ],
      ['an unknown need', withQuestions([question('a', { needIfYes: 'jetpack' })]), /unknown need/],
      [
        'a condition on a later question',
        withQuestions([question('a', { showIf: { question: 'b', equals: true } }), question('b')]),
        /not an earlier question/,
      ],
      [
        'an instrument with questions',
        { sections: [{ id: 'i', instrument: 'ucla3', questions: [] }] },
        /instrument section/,
      ],
    ]
    for (const [what, questionnaire, message] of refusals) {
      const refused = await patch(questionnaire)
      assert.equal(refused.statusCode, 400, what)
      assert.equal(refused.json().error.code, 'VALIDATION_FAILED', what)
      assert.match(JSON.stringify(refused.json().error), message, what)
    }
    const after = await app.inject({ url: `/api/campaigns/${campaign.id}`, headers })
    assert.equal(
      after.json().campaign.questionnaire.version,
      campaign.questionnaire.version + 1,
      'no refusal made a version',
    )
  })

  it('explains why a household matches and why it has its priority', async (t) => {
    const { app, db, headers, organization, household } = await setup(t)
    const senior = await household({
      birthDate: '1931-03-01',
      oldestBirthDate: '1931-03-01',
      livesAlone: 1,
      supportProgramme: 1,
    })
    const campaign = (
      await app.inject({
        method: 'POST',
        url: '/api/campaigns',
        headers,
        payload: {
          name: 'Explication',
          type: 'crisis_check',
          organization: organization.code,
          targeting: seniorsAlone,
        },
      })
    ).json().campaign
    const explained = await app.inject({ url: `/api/campaigns/${campaign.id}/explain/${senior.id}`, headers })
    assert.equal(explained.statusCode, 200)
    assertMatchesContract(campaignsContract.explain, explained)
    const body = explained.json()
    assert.equal(body.matches, true)
    assert.equal(body.explanation.children.length, 2)
    assert.match(body.explanation.children[0].text.fr, /^Âge \d+ ≥ 75 ✓$/)
    assert.deepEqual(
      body.priority.reasons.map((r: { key: string }) => r.key),
      ['age85', 'livesAlone', 'supportProgramme', 'noRecentContact'],
    )
    assert.equal(body.priority.score, 70)
    const explainRead = await db
      .selectFrom('auditEvent')
      .selectAll()
      .where('action', '=', 'campaign.explain')
      .executeTakeFirstOrThrow()
    assert.equal(explainRead.entityId, senior.id, 'the explanation reads a household: audited')
  })
})
