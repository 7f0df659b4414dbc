import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { findTemplate } from '../server/features/campaigns/campaigns.templates.js'
import { FRAGILITY_LEVELS, NEED_CATEGORIES } from './campaigns.js'
import { type DetectionRule, detect, ruleIsMet } from './detection.js'
import { scoreInstrument } from './instruments/index.js'
import { checkQuestionnaire, type QuestionnaireDefinition } from './questionnaire.js'
import { URGENCIES } from './referrals.js'

const heatWave = findTemplate('heat_wave').questionnaire as QuestionnaireDefinition

describe('detection rules', () => {
  it('the heat-wave template raises what the issue found missing: not drinking and wanting a visit', () => {
    const suggestions = detect(heatWave.rules, {
      drinks_enough: false,
      cool_room: true,
      daily_contact: true,
      needs_visit: true,
    })
    assert.deepEqual(
      suggestions.map(({ kind, value, urgency }) => ({ kind, value, urgency })),
      [
        { kind: 'fragility', value: 'fragile', urgency: undefined },
        { kind: 'referral', value: 'health_autonomy', urgency: 'within_24h' },
        { kind: 'referral', value: 'isolation', urgency: 'within_7_days' },
      ],
    )
  })

  it('keeps the highest level and the most urgent delay when several rules meet', () => {
    const suggestions = detect(heatWave.rules, {
      drinks_enough: true,
      cool_room: false,
      daily_contact: false,
      needs_visit: true,
    })
    assert.deepEqual(suggestions[0], {
      kind: 'fragility',
      value: 'high_vulnerability',
      rules: ['no_cool_room_alone'],
    })
    assert.deepEqual(suggestions[1], {
      kind: 'referral',
      value: 'isolation',
      urgency: 'within_24h',
      rules: ['no_cool_room_alone', 'wants_visit'],
    })
    assert.equal(suggestions.length, 2)
  })

  it('suggests nothing for reassuring or missing answers', () => {
    assert.deepEqual(detect(heatWave.rules, { drinks_enough: true, cool_room: true, daily_contact: true }), [])
    assert.deepEqual(detect(heatWave.rules, {}), [])
    assert.deepEqual(detect(undefined, { drinks_enough: false }), [])
  })

  it('reads validated instruments past their threshold', () => {
    const crisis = findTemplate('crisis_check').questionnaire as QuestionnaireDefinition
    const lonely = scoreInstrument('ucla3', { q1: 3, q2: 3, q3: 3 })
    const notLonely = scoreInstrument('ucla3', { q1: 1, q2: 1, q3: 1 })
    assert.ok(detect(crisis.rules, {}, { ucla3: lonely }).some((s) => s.kind === 'referral' && s.value === 'isolation'))
    assert.deepEqual(detect(crisis.rules, {}, { ucla3: notLonely }), [])
  })

  it('refuses rules that point nowhere, by path', () => {
    const broken: QuestionnaireDefinition = {
      ...heatWave,
      rules: [
        {
          id: 'x',
          label: 'x',
          when: [{ question: 'nope', equals: true }],
          suggest: { fragility: 'fragile' },
        },
        {
          id: 'y',
          label: 'y',
          when: [{ question: 'registry', equals: 'unknown_code' }],
          suggest: {},
        },
        {
          id: 'z',
          label: 'z',
          when: [{ instrument: 'ucla3', positive: true }],
          suggest: { referral: { category: 'isolation', urgency: 'soon' as never } },
        },
      ],
    }
    assert.deepEqual(
      checkQuestionnaire(broken).map((issue) => issue.path),
      [
        'rules[0].when[0].question',
        'rules[1].when[0].equals',
        'rules[1].suggest',
        'rules[2].when[0].instrument',
        'rules[2].suggest.referral.urgency',
      ],
    )
  })

  it('property: rules the validation accepts suggest exactly what the met rules say, whatever the answers', () => {
    const yesNo = heatWave.sections
      .flatMap((section) => ('questions' in section ? section.questions : []))
      .filter((question) => question.type === 'yes_no')
      .map((question) => question.id)
    const condition = fc.record({ question: fc.constantFrom(...yesNo), equals: fc.boolean() })
    const rule = fc.record({
      id: fc.uuid(),
      label: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim().length > 0),
      when: fc.array(condition, { minLength: 1, maxLength: 3 }),
      suggest: fc.oneof(
        fc.record({ fragility: fc.constantFrom(...FRAGILITY_LEVELS) }),
        fc.record({
          referral: fc.record({
            category: fc.constantFrom(...NEED_CATEGORIES),
            urgency: fc.constantFrom(...URGENCIES),
          }),
        }),
      ),
    }) as fc.Arbitrary<DetectionRule>
    const answers = fc.record(Object.fromEntries(yesNo.map((id) => [id, fc.option(fc.boolean(), { nil: undefined })])))
    fc.assert(
      fc.property(
        fc.uniqueArray(rule, { minLength: 0, maxLength: 6, selector: (r) => r.id }),
        answers,
        (rules, given) => {
          assert.deepEqual(checkQuestionnaire({ ...heatWave, rules }), [], 'generated rules are valid')
          const met = rules.filter((r) => ruleIsMet(r, given, {}))
          const suggestions = detect(rules, given)
          const levels = met.flatMap((r) => (r.suggest.fragility ? [r.suggest.fragility] : []))
          const fragility = suggestions.find((s) => s.kind === 'fragility')
          if (levels.length === 0) assert.equal(fragility, undefined)
          else {
            const highest = levels.reduce((a, b) =>
              FRAGILITY_LEVELS.indexOf(a) >= FRAGILITY_LEVELS.indexOf(b) ? a : b,
            )
            assert.equal(fragility?.value, highest)
          }
          const categories = new Set(met.flatMap((r) => (r.suggest.referral ? [r.suggest.referral.category] : [])))
          assert.deepEqual(
            new Set(suggestions.filter((s) => s.kind === 'referral').map((s) => s.value)),
            categories,
            'one orientation per category of the met rules, none other',
          )
          for (const s of suggestions.filter((x) => x.kind === 'referral')) {
            const urgencies = met.flatMap((r) =>
              r.suggest.referral?.category === s.value ? [r.suggest.referral.urgency] : [],
            )
            assert.equal(URGENCIES.indexOf(s.urgency!), Math.min(...urgencies.map((u) => URGENCIES.indexOf(u))))
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
