import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  checkQuestionnaire,
  QUESTIONNAIRE_LIMITS,
  type QuestionnaireDefinition,
  type QuestionSection,
} from '../../../shared/questionnaire.js'
import {
  addInstrument,
  addOption,
  addQuestion,
  addRule,
  addSection,
  conditionSources,
  defaultCondition,
  freshId,
  moveQuestion,
  moveSection,
  removeOption,
  removeQuestion,
  removeRule,
  removeSection,
  retype,
  updateQuestion,
  updateSection,
} from './questionnaireDraft.js'

const questionsOf = (definition: QuestionnaireDefinition, section = 0) => {
  const s = definition.sections[section]
  return s && 'questions' in s ? s.questions : []
}

describe('the questionnaire builder’s edits', () => {
  it('makes ids and codes itself, never reusing one', () => {
    assert.equal(freshId('q', ['q1', 'q2', 'q4']), 'q3')
    let definition = addSection({ sections: [] }, 'Situation')
    definition = addQuestion(definition, 0)
    definition = addQuestion(definition, 0, 'single_choice')
    assert.deepEqual(
      questionsOf(definition).map((q) => q.id),
      ['q1', 'q2'],
    )
    const choice = questionsOf(definition)[1]!
    assert.deepEqual(
      choice.options?.map((o) => o.code),
      ['o1', 'o2'],
      'a choice question starts with the two options it needs',
    )
    assert.deepEqual(
      addOption(choice).options?.map((o) => o.code),
      ['o1', 'o2', 'o3'],
    )
    assert.equal(removeOption(choice, 0), choice, 'never fewer than two options')
  })

  it('builds a conditional question mapped to a need that the server’s check accepts', () => {
    let definition = addQuestion(addSection({ sections: [] }, 'Situation'), 0)
    definition = addQuestion(definition, 0, 'single_choice')
    const [help, which] = questionsOf(definition)
    definition = updateQuestion(definition, 0, 0, { ...help!, label: 'Besoin d’aide ?', needIfYes: 'food' })
    assert.deepEqual(
      conditionSources(definition, which!.id).map((q) => q.id),
      [help!.id],
    )
    definition = updateQuestion(definition, 0, 1, {
      ...which!,
      label: 'Pour quoi ?',
      options: [
        { code: 'o1', label: 'Courses', need: 'food' },
        { code: 'o2', label: 'Papiers', need: 'admin_digital' },
      ],
      showIf: defaultCondition(questionsOf(definition)[0]!),
    })
    definition = addInstrument(definition, 'ucla3')
    assert.deepEqual(checkQuestionnaire(definition), [])
    assert.deepEqual(questionsOf(definition)[1]!.showIf, { question: 'q1', equals: true })
    assert.equal(addInstrument(definition, 'ucla3'), definition, 'an instrument once only')
  })

  it('keeps conditions coherent when what they look at changes or goes', () => {
    let definition: QuestionnaireDefinition = {
      sections: [
        {
          id: 's',
          title: 'S',
          questions: [
            {
              id: 'a',
              type: 'multiple_choice',
              label: 'A',
              required: false,
              options: [
                { code: 'x', label: 'X' },
                { code: 'y', label: 'Y' },
                { code: 'z', label: 'Z' },
              ],
            },
            { id: 'b', type: 'yes_no', label: 'B', required: false, showIf: { question: 'a', in: ['x', 'z'] } },
          ],
        },
      ],
    }
    const a = questionsOf(definition)[0]!
    definition = updateQuestion(definition, 0, 0, removeOption(a, 2))
    assert.deepEqual(questionsOf(definition)[1]!.showIf, { question: 'a', in: ['x'] }, 'a removed option leaves')
    definition = updateQuestion(definition, 0, 0, retype(questionsOf(definition)[0]!, 'number'))
    assert.equal(questionsOf(definition)[1]!.showIf, undefined, 'a number cannot be a condition here')
    assert.equal(questionsOf(definition)[0]!.options, undefined, 'a number has no options')

    const withCondition: QuestionnaireDefinition = {
      sections: [
        { id: 's', title: 'S', questions: [{ id: 'a', type: 'yes_no', label: 'A', required: false }] },
        {
          id: 't',
          title: 'T',
          questions: [
            { id: 'b', type: 'yes_no', label: 'B', required: false, showIf: { question: 'a', equals: true } },
          ],
        },
      ],
    }
    assert.equal(questionsOf(removeQuestion(withCondition, 0, 0), 1)[0]!.showIf, undefined)
    assert.equal(questionsOf(removeSection(withCondition, 0), 0)[0]!.showIf, undefined)
  })

  it('moves within bounds and stops adding at the limits', () => {
    let definition = addQuestion(addQuestion(addSection({ sections: [] }, 'S'), 0), 0)
    definition = moveQuestion(definition, 0, 0, 1)
    assert.deepEqual(
      questionsOf(definition).map((q) => q.id),
      ['q2', 'q1'],
    )
    assert.deepEqual(moveQuestion(definition, 0, 0, -1), definition)
    for (let i = 0; i < QUESTIONNAIRE_LIMITS.questionsPerSection + 5; i++) definition = addQuestion(definition, 0)
    assert.equal(questionsOf(definition).length, QUESTIONNAIRE_LIMITS.questionsPerSection)
    let sections: QuestionnaireDefinition = { sections: [] }
    for (let i = 0; i < QUESTIONNAIRE_LIMITS.sections + 5; i++) sections = addSection(sections, 'S')
    assert.equal(sections.sections.length, QUESTIONNAIRE_LIMITS.sections)
  })
})

describe('detection rules in the builder', () => {
  const base: QuestionnaireDefinition = {
    sections: [
      {
        id: 'heat',
        title: 'Chaleur',
        questions: [
          { id: 'drinks', type: 'yes_no', label: 'Boit assez ?', required: true },
          {
            id: 'room',
            type: 'single_choice',
            label: 'Pièce ?',
            required: false,
            options: [
              { code: 'cool', label: 'Fraîche' },
              { code: 'hot', label: 'Chaude' },
            ],
          },
        ],
      },
      { id: 'other', title: 'Autre', questions: [{ id: 'note', type: 'short_text', label: 'Note', required: false }] },
      { id: 'ucla', instrument: 'ucla3' },
    ],
    rules: [
      {
        id: 'a',
        label: 'Ne boit pas',
        when: [{ question: 'drinks', equals: false }],
        suggest: { fragility: 'fragile' },
      },
      {
        id: 'b',
        label: 'Chaud et seul',
        when: [
          { question: 'room', in: ['hot'] },
          { instrument: 'ucla3', positive: true },
        ],
        suggest: { referral: { category: 'isolation', urgency: 'within_24h' } },
      },
    ],
  }

  it('keeps the rules through edits that do not touch what they name', () => {
    for (const edited of [
      addSection(base, 'Nouvelle'),
      moveSection(base, 0, 1),
      removeSection(base, 1),
      addQuestion(base, 1),
      updateSection(base, 1, { title: 'Encore' }),
    ]) {
      assert.deepEqual(edited.rules, base.rules)
      assert.deepEqual(
        checkQuestionnaire(edited).filter((issue) => issue.path.startsWith('rules')),
        [],
      )
    }
  })

  it('drops the conditions on what is gone, and a rule left without any', () => {
    const withoutDrinks = removeQuestion(base, 0, 0)
    assert.deepEqual(
      withoutDrinks.rules?.map((r) => r.id),
      ['b'],
    )
    const withoutUcla = removeSection(base, 2)
    assert.deepEqual(withoutUcla.rules?.[1]?.when, [{ question: 'room', in: ['hot'] }])
    const retyped = updateQuestion(base, 0, 1, {
      ...(base.sections[0] as QuestionSection).questions[1],
      options: [
        { code: 'cool', label: 'Fraîche' },
        { code: 'warm', label: 'Tiède' },
      ],
    })
    assert.deepEqual(retyped.rules?.[1]?.when, [{ instrument: 'ucla3', positive: true }])
    for (const edited of [withoutDrinks, withoutUcla, retyped]) assert.deepEqual(checkQuestionnaire(edited), [])
  })

  it('adds a rule on the first question it can name, and removes it', () => {
    const added = addRule(base, 'Nouvelle règle')
    assert.equal(added.rules?.length, 3)
    assert.deepEqual(added.rules?.[2]?.when, [{ question: 'drinks', equals: true }])
    assert.deepEqual(checkQuestionnaire(added), [])
    assert.deepEqual(removeRule(added, 2).rules, base.rules)
  })
})
