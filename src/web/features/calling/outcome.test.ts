import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isoToParisLocal, parisLocalToIso } from '../../../shared/clock.js'
import type { QuestionnaireDefinition } from '../../../shared/questionnaire.js'
import { serverFieldIssues } from '../../components/errors.js'
import {
  answersToSend,
  buildOutcomeBody,
  checkForm,
  emptyForm,
  explainServerIssue,
  followedReferral,
  newIdempotencyKey,
  type OutcomeForm,
  suggestNeeds,
  tickedNeeds,
  toggleNeed,
} from './outcome.js'

const definition: QuestionnaireDefinition = {
  sections: [
    {
      id: 'main',
      title: 'Nouvelles',
      questions: [
        { id: 'alone', type: 'yes_no', label: 'Seul·e ?', required: true, needIfYes: 'isolation' },
        {
          id: 'visits',
          type: 'single_choice',
          label: 'Visites ?',
          required: true,
          showIf: { question: 'alone', equals: true },
          options: [
            { code: 'never', label: 'Jamais', need: 'psychological_distress' },
            { code: 'often', label: 'Souvent' },
          ],
        },
        {
          id: 'who',
          type: 'short_text',
          label: 'Qui ?',
          required: false,
          showIf: { question: 'visits', equals: 'often' },
        },
      ],
    },
    { id: 'food', instrument: 'usda6' },
    { id: 'loneliness', instrument: 'ucla3' },
  ],
}

describe('the outcome form', () => {
  it('sends only the answers of shown questions, so a stale hidden answer cannot keep a later question shown', () => {
    const answers = { alone: false, visits: 'often', who: 'sa fille', extra: '' }
    assert.deepEqual(answersToSend(definition, answers), { alone: false })
    assert.deepEqual(answersToSend(definition, { alone: true, visits: 'often', who: 'sa fille' }), {
      alone: true,
      visits: 'often',
      who: 'sa fille',
    })
  })

  it('drops an instrument item whose condition no longer holds, and instruments the questionnaire lacks', () => {
    const answers = {
      alone: false,
      instruments: { usda6: { ad1: false, ad1a: 'almost_every_month' }, frail: { fatigue: 'all' } },
    }
    assert.deepEqual(answersToSend(definition, answers), { alone: false, instruments: { usda6: { ad1: false } } })
  })

  it('suggests needs from the options and from the instruments’ results, and a person may untick them', () => {
    const answers = { alone: true, visits: 'never', instruments: { ucla3: { q1: 3, q2: 2, q3: 2 } } }
    const suggested = suggestNeeds(definition, answers)
    assert.deepEqual(suggested.sort(), ['isolation', 'psychological_distress'])
    let form: OutcomeForm = { ...emptyForm(null), answers, disposition: 'completed' }
    assert.deepEqual(tickedNeeds(form, suggested).sort(), ['isolation', 'psychological_distress'])
    form = toggleNeed(form, 'isolation', false)
    form = toggleNeed(form, 'food', true)
    assert.deepEqual(tickedNeeds(form, suggested).sort(), ['food', 'psychological_distress'])
    const body = buildOutcomeBody(form, definition, suggested)
    assert.deepEqual(body.needs?.sort(), ['food', 'psychological_distress'])
    assert.deepEqual(body.answers, answers)
  })

  it('asks for the outcome, the required shown answers and a future callback time', () => {
    const now = new Date('2025-06-02T10:00:00Z')
    assert.deepEqual(checkForm(emptyForm(null), definition, now), [
      { field: 'disposition', key: 'dispositionRequired' },
    ])
    assert.deepEqual(
      checkForm({ ...emptyForm(null), disposition: 'completed', answers: { alone: true } }, definition),
      [{ field: 'visits', key: 'answerRequired' }],
    )
    assert.deepEqual(checkForm({ ...emptyForm(null), disposition: 'no_answer' }, definition), [])
    const callback = { ...emptyForm(null), disposition: 'callback' as const }
    assert.deepEqual(checkForm(callback, definition, now), [{ field: 'callbackAt', key: 'callbackRequired' }])
    assert.deepEqual(checkForm({ ...callback, callbackLocal: '2025-06-02T11:30' }, definition, now), [
      { field: 'callbackAt', key: 'callbackInPast' },
    ])
    assert.deepEqual(checkForm({ ...callback, callbackLocal: '2025-06-02T12:30' }, definition, now), [])
    assert.deepEqual(checkForm({ ...callback, callbackLocal: '2025-08-30T12:00' }, definition, now), [])
    assert.deepEqual(checkForm({ ...callback, callbackLocal: '2025-09-01T12:00' }, definition, now), [
      { field: 'callbackAt', key: 'callbackTooFar' },
    ])
  })

  it('sends answers only with "completed", the callback in UTC, the objection only with "refused"', () => {
    const base = { ...emptyForm('+33612345678'), answers: { alone: true }, notes: '  a rappeler  ', objection: true }
    assert.deepEqual(buildOutcomeBody({ ...base, disposition: 'no_answer' }, definition, []), {
      disposition: 'no_answer',
      notes: 'a rappeler',
      phoneE164: '+33612345678',
    })
    assert.deepEqual(
      buildOutcomeBody({ ...base, disposition: 'callback', callbackLocal: '2025-01-15T18:00' }, definition, []),
      {
        disposition: 'callback',
        notes: 'a rappeler',
        phoneE164: '+33612345678',
        callbackAt: '2025-01-15T17:00:00.000Z',
        sameCallerForCallback: true,
      },
    )
    assert.equal(buildOutcomeBody({ ...base, disposition: 'refused' }, definition, []).objection, true)
  })

  it('reads the server’s field errors, as a list or as one object, in plain words', () => {
    assert.deepEqual(serverFieldIssues([{ field: 'alone', message: 'expected true or false' }]), [
      { field: 'alone', message: 'expected true or false' },
    ])
    assert.deepEqual(serverFieldIssues({ field: 'callbackAt' }), [{ field: 'callbackAt', message: '' }])
    assert.deepEqual(serverFieldIssues(undefined), [])
    assert.equal(explainServerIssue('alone', '"Seul·e ?" needs an answer'), 'answerRequired')
    assert.equal(explainServerIssue('instruments.ucla3.q1', 'Answer to item'), 'instrumentInvalid')
    assert.equal(explainServerIssue('callbackAt', 'callbackAt: this time has passed'), 'callbackInPast')
    assert.equal(explainServerIssue('callbackAt', 'callbackAt: too far ahead (…)'), 'callbackTooFar')
    assert.equal(explainServerIssue('callbackAt', 'A callback needs the time'), 'callbackRequired')
    assert.equal(explainServerIssue('who', 'answered although the question is not shown'), 'answerNotShown')
  })

  it('makes distinct UUID-shaped idempotency keys', () => {
    const keys = new Set(Array.from({ length: 100 }, newIdempotencyKey))
    assert.equal(keys.size, 100)
    for (const key of keys) assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})

describe('Paris wall-clock time', () => {
  it('converts in winter, in summer and across the changes of hour', () => {
    assert.equal(parisLocalToIso('2025-01-15T14:30'), '2025-01-15T13:30:00.000Z')
    assert.equal(parisLocalToIso('2025-07-15T14:30'), '2025-07-15T12:30:00.000Z')
    assert.equal(parisLocalToIso('2025-03-30T03:30'), '2025-03-30T01:30:00.000Z')
    // 02:30 does not exist that night: clocks jump from 02:00 to 03:00.
    assert.equal(parisLocalToIso('2025-03-30T02:30'), '2025-03-30T01:30:00.000Z')
    assert.equal(parisLocalToIso('2025-10-26T04:00'), '2025-10-26T03:00:00.000Z')
    assert.equal(parisLocalToIso('nonsense'), null)
    assert.equal(parisLocalToIso('2025-13-01T10:00'), null)
  })

  it('shows an instant as Paris time', () => {
    assert.equal(isoToParisLocal('2025-01-15T13:30:00.000Z'), '2025-01-15T14:30')
    assert.equal(isoToParisLocal('2025-07-15T22:30:00.000Z'), '2025-07-16T00:30')
  })
})

describe('detection suggestions in the form', () => {
  const withRules: QuestionnaireDefinition = {
    sections: [
      {
        id: 'heat',
        title: 'Chaleur',
        questions: [
          { id: 'drinks', type: 'yes_no', label: 'Boit assez ?', required: true },
          {
            id: 'why',
            type: 'short_text',
            label: 'Pourquoi ?',
            required: false,
            showIf: { question: 'drinks', equals: false },
          },
        ],
      },
    ],
    rules: [
      {
        id: 'not_drinking',
        label: 'Ne boit pas assez',
        when: [{ question: 'drinks', equals: false }],
        suggest: { fragility: 'fragile', referral: { category: 'health_autonomy', urgency: 'within_24h' } },
      },
    ],
  }
  const completed = (answers: Record<string, unknown>, choices?: Record<string, boolean>): OutcomeForm => ({
    ...emptyForm(null),
    disposition: 'completed',
    answers,
    ...(choices ? { suggestionChoices: choices } : {}),
  })

  it('asks the caller to follow or set aside each suggestion before saving a completed call', () => {
    assert.deepEqual(
      checkForm(completed({ drinks: false }), withRules).map((issue) => issue.field),
      ['suggestion.fragility.fragile', 'suggestion.referral.health_autonomy'],
    )
    assert.deepEqual(checkForm(completed({ drinks: true }), withRules), [], 'nothing suggested, nothing to choose')
    const chosen = completed(
      { drinks: false },
      { 'suggestion.fragility.fragile': true, 'suggestion.referral.health_autonomy': false },
    )
    assert.deepEqual(checkForm(chosen, withRules), [])
  })

  it('sends each choice with the suggestion the server will find, and no choice left from earlier answers', () => {
    const choices = { 'suggestion.fragility.fragile': true, 'suggestion.referral.health_autonomy': false }
    assert.deepEqual(buildOutcomeBody(completed({ drinks: false }, choices), withRules, []).suggestions, [
      { kind: 'fragility', value: 'fragile', followed: true },
      { kind: 'referral', value: 'health_autonomy', urgency: 'within_24h', followed: false },
    ])
    // The answer changed back: the rule no longer meets, the old choices are not sent.
    assert.equal(buildOutcomeBody(completed({ drinks: true }, choices), withRules, []).suggestions, undefined)
  })

  it('prepares the orientation from the followed suggestion, the most urgent when several, never from a set-aside one', () => {
    // Isolation ticked first as a need; the caller followed the health orientation: its category and urgency are the hint.
    const sent = buildOutcomeBody(
      {
        ...completed(
          { drinks: false },
          { 'suggestion.fragility.fragile': true, 'suggestion.referral.health_autonomy': true },
        ),
        needs: ['isolation'],
      },
      withRules,
      [],
    )
    assert.deepEqual(sent.needs, ['isolation'])
    assert.deepEqual(followedReferral(sent.suggestions), { category: 'health_autonomy', urgency: 'within_24h' })
    assert.deepEqual(
      followedReferral([
        { kind: 'referral', value: 'isolation', urgency: 'within_7_days', followed: true },
        { kind: 'referral', value: 'food', urgency: 'routine', followed: true },
        { kind: 'referral', value: 'family_violence', urgency: 'immediate', followed: false },
        { kind: 'referral', value: 'health_autonomy', urgency: 'within_24h', followed: true },
        { kind: 'fragility', value: 'fragile', followed: true },
      ]),
      { category: 'health_autonomy', urgency: 'within_24h' },
    )
    // Set aside, or only a fragility level followed: no hint from the suggestions (the form falls back to the need).
    assert.equal(
      followedReferral(
        buildOutcomeBody(
          completed(
            { drinks: false },
            { 'suggestion.fragility.fragile': true, 'suggestion.referral.health_autonomy': false },
          ),
          withRules,
          [],
        ).suggestions,
      ),
      undefined,
    )
    assert.equal(followedReferral([{ kind: 'fragility', value: 'fragile', followed: true }]), undefined)
    assert.equal(followedReferral(undefined), undefined)
  })
})
