/**
 * The questionnaire builder's edits as pure functions over a definition: every one returns a new definition and keeps
 * it coherent (a removed question takes the conditions on it along; a removed option leaves the conditions that named
 * it). Ids and option codes are made here, never typed by a manager: answers already saved are keyed by them.
 */
import type { DetectionRule, RuleCondition } from '../../../shared/detection.js'
import type { InstrumentCode } from '../../../shared/instruments/types.js'
import {
  type ChoiceOption,
  isInstrumentSection,
  QUESTIONNAIRE_LIMITS,
  type Question,
  type QuestionnaireDefinition,
  type QuestionSection,
  type QuestionType,
  questionsOf,
  type Section,
  type ShowIf,
} from '../../../shared/questionnaire.js'

const isChoice = (type: QuestionType) => type === 'single_choice' || type === 'multiple_choice'

/** The first `prefix<n>` not among `taken`. */
export function freshId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken)
  let n = 1
  while (used.has(`${prefix}${n}`)) n++
  return `${prefix}${n}`
}

export function questionCount(definition: QuestionnaireDefinition): number {
  return questionsOf(definition).length
}

/** Whether one more question may be added to this section (its bound and the questionnaire's). */
export function canAddQuestion(definition: QuestionnaireDefinition, sectionIndex: number): boolean {
  const section = definition.sections[sectionIndex]
  return (
    section !== undefined &&
    !isInstrumentSection(section) &&
    section.questions.length < QUESTIONNAIRE_LIMITS.questionsPerSection &&
    questionCount(definition) < QUESTIONNAIRE_LIMITS.questions
  )
}

function withSection(
  definition: QuestionnaireDefinition,
  index: number,
  change: (section: QuestionSection) => QuestionSection,
): QuestionnaireDefinition {
  return {
    ...definition,
    sections: definition.sections.map((section, i) =>
      i === index && !isInstrumentSection(section) ? change(section) : section,
    ),
  }
}

export function addSection(definition: QuestionnaireDefinition, title: string): QuestionnaireDefinition {
  if (definition.sections.length >= QUESTIONNAIRE_LIMITS.sections) return definition
  const id = freshId(
    'partie',
    definition.sections.map((s) => s.id),
  )
  return { ...definition, sections: [...definition.sections, { id, title, questions: [] }] }
}

export function addInstrument(definition: QuestionnaireDefinition, code: InstrumentCode): QuestionnaireDefinition {
  if (definition.sections.length >= QUESTIONNAIRE_LIMITS.sections) return definition
  if (definition.sections.some((s) => isInstrumentSection(s) && s.instrument === code)) return definition
  const id = definition.sections.some((s) => s.id === code)
    ? freshId(
        code,
        definition.sections.map((s) => s.id),
      )
    : code
  return { ...definition, sections: [...definition.sections, { id, instrument: code }] }
}

export function updateSection(
  definition: QuestionnaireDefinition,
  index: number,
  change: Partial<Pick<QuestionSection, 'title' | 'titleEn'>>,
): QuestionnaireDefinition {
  return withSection(definition, index, (section) => ({ ...section, ...change }))
}

/** Removes a section; conditions on its questions go with it (they could never hold). */
export function removeSection(definition: QuestionnaireDefinition, index: number): QuestionnaireDefinition {
  const removed = definition.sections[index]
  const gone = new Set(removed && !isInstrumentSection(removed) ? removed.questions.map((q) => q.id) : [])
  return keepRulesCoherent(
    dropConditionsOn({ ...definition, sections: definition.sections.filter((_, i) => i !== index) }, gone),
  )
}

/** Moves an element one place up (-1) or down (+1); out of bounds changes nothing. */
export function move<T>(items: readonly T[], index: number, by: -1 | 1): T[] {
  const target = index + by
  if (index < 0 || index >= items.length || target < 0 || target >= items.length) return [...items]
  const copy = [...items]
  ;[copy[index], copy[target]] = [copy[target] as T, copy[index] as T]
  return copy
}

export function moveSection(definition: QuestionnaireDefinition, index: number, by: -1 | 1) {
  return { ...definition, sections: move(definition.sections, index, by) }
}

export function moveQuestion(definition: QuestionnaireDefinition, sectionIndex: number, index: number, by: -1 | 1) {
  return withSection(definition, sectionIndex, (section) => ({
    ...section,
    questions: move(section.questions, index, by),
  }))
}

export function newQuestion(definition: QuestionnaireDefinition, type: QuestionType = 'yes_no'): Question {
  const id = freshId(
    'q',
    questionsOf(definition).map((q) => q.id),
  )
  return retype({ id, type: 'yes_no', label: '', required: false }, type)
}

export function addQuestion(
  definition: QuestionnaireDefinition,
  sectionIndex: number,
  type: QuestionType = 'yes_no',
): QuestionnaireDefinition {
  if (!canAddQuestion(definition, sectionIndex)) return definition
  const question = newQuestion(definition, type)
  return withSection(definition, sectionIndex, (section) => ({
    ...section,
    questions: [...section.questions, question],
  }))
}

/** A question of another type: what the new type has no use for goes (options, need if yes, bounds). */
export function retype(question: Question, type: QuestionType): Question {
  const { options, needIfYes, min, max, ...rest } = question
  const next: Question = { ...rest, type }
  if (isChoice(type)) {
    next.options =
      options && options.length >= 2
        ? options
        : [
            { code: 'o1', label: '' },
            { code: 'o2', label: '' },
          ]
  }
  if (type === 'yes_no' && needIfYes) next.needIfYes = needIfYes
  if (type === 'number') {
    if (min !== undefined) next.min = min
    if (max !== undefined) next.max = max
  }
  return next
}

/** Replaces a question; when its type or options change, the conditions on it that no longer fit go. */
export function updateQuestion(
  definition: QuestionnaireDefinition,
  sectionIndex: number,
  index: number,
  question: Question,
): QuestionnaireDefinition {
  const next = withSection(definition, sectionIndex, (section) => ({
    ...section,
    questions: section.questions.map((q, i) => (i === index ? question : q)),
  }))
  return keepRulesCoherent(pruneConditionsOn(next, question))
}

export function removeQuestion(definition: QuestionnaireDefinition, sectionIndex: number, index: number) {
  const section = definition.sections[sectionIndex]
  const removed = section && !isInstrumentSection(section) ? section.questions[index] : undefined
  const next = withSection(definition, sectionIndex, (s) => ({
    ...s,
    questions: s.questions.filter((_, i) => i !== index),
  }))
  return keepRulesCoherent(removed ? dropConditionsOn(next, new Set([removed.id])) : next)
}

export function addOption(question: Question): Question {
  const options = question.options ?? []
  if (options.length >= QUESTIONNAIRE_LIMITS.options) return question
  const code = freshId(
    'o',
    options.map((o) => o.code),
  )
  return { ...question, options: [...options, { code, label: '' }] }
}

export function updateOption(question: Question, index: number, change: Partial<ChoiceOption>): Question {
  return {
    ...question,
    options: (question.options ?? []).map((option, i) => {
      if (i !== index) return option
      const next = { ...option, ...change }
      if (next.need === undefined) delete next.need
      return next
    }),
  }
}

export function removeOption(question: Question, index: number): Question {
  const options = question.options ?? []
  if (options.length <= 2) return question
  return { ...question, options: options.filter((_, i) => i !== index) }
}

/** Questions a condition may look at: earlier ones, answered yes/no or by choice. */
export function conditionSources(definition: QuestionnaireDefinition, questionId: string): Question[] {
  const sources: Question[] = []
  for (const question of questionsOf(definition)) {
    if (question.id === questionId) break
    if (question.type === 'yes_no' || isChoice(question.type)) sources.push(question)
  }
  return sources
}

/** A fresh condition on a source question: "yes" for yes/no, its first option for a choice. */
export function defaultCondition(source: Question): ShowIf {
  if (source.type === 'yes_no') return { question: source.id, equals: true }
  return { question: source.id, in: source.options?.[0] ? [source.options[0].code] : [] }
}

function mapQuestions(definition: QuestionnaireDefinition, change: (q: Question) => Question): QuestionnaireDefinition {
  return {
    ...definition,
    sections: definition.sections.map(
      (section): Section =>
        isInstrumentSection(section) ? section : { ...section, questions: section.questions.map(change) },
    ),
  }
}

function withoutCondition(question: Question): Question {
  const { showIf: _, ...rest } = question
  return rest
}

function dropConditionsOn(definition: QuestionnaireDefinition, ids: Set<string>): QuestionnaireDefinition {
  if (ids.size === 0) return definition
  return mapQuestions(definition, (q) => (q.showIf && ids.has(q.showIf.question) ? withoutCondition(q) : q))
}

/** Conditions on `source` keep only the values it can still give; one left with none goes. */
function pruneConditionsOn(definition: QuestionnaireDefinition, source: Question): QuestionnaireDefinition {
  return mapQuestions(definition, (q) => {
    if (!q.showIf || q.showIf.question !== source.id) return q
    if (source.type === 'yes_no') {
      return typeof q.showIf.equals === 'boolean' ? q : { ...q, showIf: { question: source.id, equals: true } }
    }
    if (!isChoice(source.type)) return withoutCondition(q)
    const codes = new Set(source.options?.map((o) => o.code))
    const values = (q.showIf.in ?? (q.showIf.equals === undefined ? [] : [String(q.showIf.equals)])).filter((v) =>
      codes.has(v),
    )
    return values.length ? { ...q, showIf: { question: source.id, in: values } } : withoutCondition(q)
  })
}

/**
 * Detection rules after an edit: a condition on a question that is gone, or that can no longer give its value, or on
 * an instrument no longer asked, goes; a rule left without conditions goes (it would suggest for every call).
 */
export function keepRulesCoherent(definition: QuestionnaireDefinition): QuestionnaireDefinition {
  if (!definition.rules) return definition
  const questions = new Map(questionsOf(definition).map((q) => [q.id, q]))
  const instruments = new Set(definition.sections.filter(isInstrumentSection).map((s) => s.instrument))
  const fits = (condition: RuleCondition) => {
    if ('instrument' in condition) return instruments.has(condition.instrument)
    const question = questions.get(condition.question)
    if (!question) return false
    if (question.type === 'yes_no') return typeof condition.equals === 'boolean'
    if (!isChoice(question.type)) return false
    const codes = new Set(question.options?.map((o) => o.code))
    const values = condition.in ?? (condition.equals === undefined ? [] : [String(condition.equals)])
    return values.length > 0 && values.every((value) => codes.has(value))
  }
  const rules = definition.rules
    .map((rule) => ({ ...rule, when: rule.when.filter(fits) }))
    .filter((rule) => rule.when.length > 0)
  return { ...definition, rules }
}

/** The questions and instruments a rule's condition may name: yes/no and choice questions, instruments asked. */
export function ruleSources(definition: QuestionnaireDefinition) {
  return {
    questions: questionsOf(definition).filter((q) => q.type === 'yes_no' || isChoice(q.type)),
    instruments: definition.sections.filter(isInstrumentSection).map((s) => s.instrument),
  }
}

export function addRule(definition: QuestionnaireDefinition, label: string): QuestionnaireDefinition {
  const rules = definition.rules ?? []
  const { questions, instruments } = ruleSources(definition)
  const first = questions[0]
  const condition: RuleCondition | null = first
    ? first.type === 'yes_no'
      ? { question: first.id, equals: true }
      : { question: first.id, in: first.options?.[0] ? [first.options[0].code] : [] }
    : instruments[0]
      ? { instrument: instruments[0], positive: true }
      : null
  if (!condition) return definition
  const id = freshId(
    'rule',
    rules.map((r) => r.id),
  )
  return { ...definition, rules: [...rules, { id, label, when: [condition], suggest: { fragility: 'watch' } }] }
}

export function updateRule(definition: QuestionnaireDefinition, index: number, rule: DetectionRule) {
  return { ...definition, rules: (definition.rules ?? []).map((r, i) => (i === index ? rule : r)) }
}

export function removeRule(definition: QuestionnaireDefinition, index: number): QuestionnaireDefinition {
  return { ...definition, rules: (definition.rules ?? []).filter((_, i) => i !== index) }
}
