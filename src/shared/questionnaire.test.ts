import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertMatchesSchema } from '../../test/contract.js'
import { CAMPAIGN_TEMPLATES } from '../server/features/campaigns/campaigns.templates.js'
import { QuestionnaireInputSchema } from './contracts/campaigns.js'
import {
  checkAnswers,
  checkQuestionnaire,
  isQuestionShown,
  QUESTIONNAIRE_LIMITS,
  type Question,
} from './questionnaire.js'
import { fillScript, unknownPlaceholders } from './script.js'

describe('checkQuestionnaire', () => {
  it('accepts every template’s questionnaire and script', () => {
    for (const template of CAMPAIGN_TEMPLATES) {
      assert.deepEqual(checkQuestionnaire(template.questionnaire), [], template.type)
      assert.deepEqual(unknownPlaceholders(template.script), [], template.type)
    }
  })

  it('every template’s questionnaire fits the contract’s shape and bounds', () => {
    for (const template of CAMPAIGN_TEMPLATES) {
      assertMatchesSchema(QuestionnaireInputSchema, template.questionnaire, template.type)
    }
  })

  it('holds every bound of QUESTIONNAIRE_LIMITS, so the builder can say it before the server does', () => {
    const L = QUESTIONNAIRE_LIMITS
    const yesNo = (id: string, extra: Partial<Question> = {}): Question => ({
      id,
      type: 'yes_no',
      label: 'Question',
      required: false,
      ...extra,
    })
    const one = (questions: Question[]) => ({ sections: [{ id: 'main', title: 'Partie', questions }] })
    const paths = (definition: unknown) =>
      checkQuestionnaire(definition).map((issue) => `${issue.path}: ${issue.message}`)
    assert.deepEqual(paths(one([yesNo('a', { label: 'x'.repeat(L.labelLength) })])), [], 'at the bound')
    assert.deepEqual(paths(one([yesNo('a', { label: 'x'.repeat(L.labelLength + 1) })])), [
      `sections[0].questions[0].label: at most ${L.labelLength} characters`,
    ])
    const options = Array.from({ length: L.options + 1 }, (_, i) => ({ code: `o${i}`, label: `Option ${i}` }))
    assert.deepEqual(paths(one([yesNo('a', { type: 'single_choice', options })])), [
      `sections[0].questions[0].options: at most ${L.options} options`,
    ])
    assert.deepEqual(paths(one(Array.from({ length: L.questionsPerSection + 1 }, (_, i) => yesNo(`q${i}`)))), [
      `sections[0].questions: at most ${L.questionsPerSection} questions in a section`,
    ])
    const full = Array.from({ length: Math.ceil(L.questions / L.questionsPerSection) + 1 }, (_, s) => ({
      id: `s${s}`,
      title: 'Partie',
      questions: Array.from({ length: L.questionsPerSection }, (_, i) => yesNo(`q${s}_${i}`)),
    }))
    assert.ok(paths({ sections: full }).includes(`sections: at most ${L.questions} questions in all`))
    assert.deepEqual(paths(one([yesNo('n', { type: 'number', min: 10, max: 2 })])), [
      'sections[0].questions[0].max: the maximum is below the minimum',
    ])
    assert.deepEqual(paths(one([yesNo('n', { type: 'number', max: 1e20 })])), [
      `sections[0].questions[0].max: a number between -${L.numberBound} and ${L.numberBound}`,
    ])
    assert.deepEqual(paths(one([yesNo('n', { min: 1 })])), [
      'sections[0].questions[0].min: only a number question has a min',
    ])
    assert.deepEqual(
      paths(
        one([
          yesNo('a', {
            type: 'single_choice',
            options: [
              { code: 'x', label: 'X' },
              { code: 'y', label: 'Y' },
            ],
          }),
          yesNo('b', { showIf: { question: 'a', in: [] } }),
        ]),
      ),
      ['sections[0].questions[1].showIf.in: give at least one value'],
    )
    assert.deepEqual(paths({ sections: [{ id: 'i', instrument: 'ucla3', questions: [] }] }), [
      'sections[0].questions: an instrument section has no questions of its own',
    ])
  })

  it('names each problem with its path', () => {
    const issues = checkQuestionnaire({
      sections: [
        {
          id: 'main',
          title: 'Principal',
          questions: [
            { id: 'alone', type: 'yes_no', label: 'Seul ?', required: true, needIfYes: 'loneliness' },
            {
              id: 'alone',
              type: 'single_choice',
              label: 'Double',
              required: true,
              options: [{ code: 'a', label: 'A' }],
            },
            {
              id: 'when',
              type: 'date',
              label: 'Quand ?',
              required: false,
              showIf: { question: 'later', equals: true },
            },
            { id: 'kind', type: 'essay', label: 'Texte', required: false },
          ],
        },
        { id: 'scale', instrument: 'phq9' },
      ],
    })
    assert.deepEqual(
      issues.map((issue) => issue.path),
      [
        'sections[0].questions[0].needIfYes',
        'sections[0].questions[1].id',
        'sections[0].questions[1].options',
        'sections[0].questions[2].showIf.question',
        'sections[0].questions[3].type',
        'sections[1].instrument',
      ],
    )
    assert.match(issues[0].message, /unknown need "loneliness"/)
    assert.match(issues[5].message, /unknown instrument "phq9"; known: epices, lsns6, ucla3, frail, usda6/)
  })

  it('refuses something that is not a questionnaire at all', () => {
    assert.deepEqual(checkQuestionnaire('hello'), [
      { path: 'sections', message: 'a questionnaire is an object with a "sections" array' },
    ])
  })
})

describe('isQuestionShown', () => {
  const question: Question = {
    id: 'amount',
    type: 'number',
    label: 'Montant',
    required: false,
    showIf: { question: 'plan', equals: true },
  }
  it('shows a conditional question only when the earlier answer says so', () => {
    assert.equal(isQuestionShown(question, { plan: true }), true)
    assert.equal(isQuestionShown(question, { plan: false }), false)
    assert.equal(isQuestionShown(question, {}), false)
    const multiple: Question = { ...question, showIf: { question: 'needs', in: ['mobility'] } }
    assert.equal(isQuestionShown(multiple, { needs: ['night_work', 'mobility'] }), true)
    assert.equal(isQuestionShown(multiple, { needs: ['none'] }), false)
  })
})

describe('fillScript', () => {
  it('fills known placeholders and leaves no "undefined" for missing values', () => {
    assert.equal(
      fillScript('Bonjour {{ prenom }} {{nom}} ({{agence}})', { prenom: 'Jeanne', nom: 'Martin' }),
      'Bonjour Jeanne Martin ()',
    )
    assert.deepEqual(unknownPlaceholders('{{prenom}} {{age}} {{age}}'), ['age'])
  })
})

describe('checkAnswers', () => {
  const definition = {
    sections: [
      {
        id: 'main',
        title: 'Principal',
        questions: [
          { id: 'alone', type: 'yes_no' as const, label: 'Seul ?', required: true, needIfYes: 'isolation' as const },
          {
            id: 'cause',
            type: 'single_choice' as const,
            label: 'Cause',
            required: false,
            options: [
              { code: 'job', label: 'Emploi', need: 'income_loss' as const },
              { code: 'other', label: 'Autre' },
            ],
          },
          {
            id: 'amount',
            type: 'number' as const,
            label: 'Montant',
            required: true,
            min: 0,
            showIf: { question: 'alone', equals: true },
          },
        ],
      },
    ],
  }

  it('accepts valid answers and suggests the needs they map to', () => {
    const result = checkAnswers(definition, { alone: true, cause: 'job', amount: 50 })
    assert.deepEqual(result.issues, [])
    assert.deepEqual(result.suggestedNeeds.sort(), ['income_loss', 'isolation'])
  })

  it('names a missing required answer, a value outside the options, a hidden or unknown question', () => {
    const missing = checkAnswers(definition, { alone: true })
    assert.deepEqual(missing.issues, [{ field: 'amount', message: '"Montant" needs an answer' }])
    const wrong = checkAnswers(definition, { alone: 'oui', cause: 'war', extra: 1 })
    assert.deepEqual(
      wrong.issues.map((issue) => issue.field),
      ['extra', 'alone', 'cause'],
    )
    const hidden = checkAnswers(definition, { alone: false, amount: 12 })
    assert.deepEqual(hidden.issues, [
      { field: 'amount', message: 'answered although the question is not shown', value: 12 },
    ])
    const negative = checkAnswers(definition, { alone: true, amount: -1 })
    assert.equal(negative.issues[0].message, 'at least 0')
  })

  it('takes only real calendar days as dates', () => {
    const dated = {
      sections: [
        {
          id: 'main',
          title: 'Principal',
          questions: [{ id: 'when', type: 'date' as const, label: 'Quand ?', required: true }],
        },
      ],
    }
    assert.deepEqual(checkAnswers(dated, { when: '2028-02-29' }).issues, [])
    for (const when of ['2026-02-30', '2026-13-01', '1/2/2026']) {
      assert.deepEqual(
        checkAnswers(dated, { when }).issues.map((issue) => issue.message),
        ['expected a date YYYY-MM-DD'],
        when,
      )
    }
  })
})
