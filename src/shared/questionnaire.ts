import { NEED_CATEGORIES, type NeedCategory } from './campaigns.js'
import { isCalendarDay } from './clock.js'
import { checkRules, type DetectionRule } from './detection.js'
import { INSTRUMENT_CODES, type InstrumentCode } from './instruments/types.js'

export const QUESTION_TYPES = ['yes_no', 'single_choice', 'multiple_choice', 'number', 'date', 'short_text'] as const
export type QuestionType = (typeof QUESTION_TYPES)[number]

export interface ChoiceOption {
  code: string
  label: string
  labelEn?: string
  /** Choosing this option suggests this need. */
  need?: NeedCategory
}

export interface ShowIf {
  question: string
  /** Shown when the earlier answer equals this value (a boolean for yes/no, an option code for choices). */
  equals?: string | boolean | number
  /** Shown when the earlier answer (or, for multiple choice, one of its codes) is among these. */
  in?: string[]
}

export interface Question {
  id: string
  type: QuestionType
  label: string
  labelEn?: string
  required: boolean
  options?: ChoiceOption[]
  /** For yes/no questions: a "yes" suggests this need. */
  needIfYes?: NeedCategory
  showIf?: ShowIf
  min?: number
  max?: number
}

export interface QuestionSection {
  id: string
  title: string
  titleEn?: string
  questions: Question[]
}

export interface InstrumentSection {
  id: string
  title?: string
  instrument: InstrumentCode
}

export type Section = QuestionSection | InstrumentSection

export interface QuestionnaireDefinition {
  sections: Section[]
  /** Detection rules: answers and instrument results that suggest a fragility level and an orientation. */
  rules?: DetectionRule[]
}

export interface DefinitionIssue {
  path: string
  message: string
}

/**
 * Bounds on a questionnaire, shared by the builder (which stops adding at the bound), `checkQuestionnaire` and the
 * campaigns contract (which refuses a larger body before any handler reads it). A call's questionnaire is read aloud
 * to a fragile person: these are generous for that and small for a server.
 */
export const QUESTIONNAIRE_LIMITS = {
  sections: 30,
  questionsPerSection: 40,
  /** Questions over all sections (instruments not counted). */
  questions: 120,
  /** Options of one choice question, and values of one condition's `in`. */
  options: 30,
  /** Ids, option codes and need or instrument codes. */
  idLength: 40,
  titleLength: 200,
  labelLength: 500,
  optionLabelLength: 200,
  /** The bounds a number question's min and max (and a condition's number) stay within. */
  numberBound: 1_000_000,
  /** A short-text answer. */
  shortTextLength: 500,
} as const

const ID = /^[a-z][a-z0-9_]{0,39}$/

export function isInstrumentSection(section: Section): section is InstrumentSection {
  return 'instrument' in section
}

/**
 * Checks a questionnaire's shape and meaning: unique ids, options for choice questions, conditions that refer to an
 * earlier question, known needs and instruments. Returns every problem with its path; an empty list means valid.
 */
export function checkQuestionnaire(input: unknown): DefinitionIssue[] {
  const issues: DefinitionIssue[] = []
  const add = (path: string, message: string) => issues.push({ path, message })
  if (typeof input !== 'object' || input === null || !Array.isArray((input as QuestionnaireDefinition).sections)) {
    return [{ path: 'sections', message: 'a questionnaire is an object with a "sections" array' }]
  }
  const { sections } = input as QuestionnaireDefinition
  const L = QUESTIONNAIRE_LIMITS
  if (sections.length > L.sections) add('sections', `at most ${L.sections} sections`)
  const tooLong = (path: string, value: unknown, max: number) => {
    if (typeof value === 'string' && value.length > max) add(path, `at most ${max} characters`)
  }
  let questionCount = 0
  const seenSections = new Set<string>()
  const seenQuestions = new Map<string, Question>()
  const seenInstruments = new Set<string>()
  sections.forEach((section, sectionIndex) => {
    const sectionPath = `sections[${sectionIndex}]`
    if (typeof section !== 'object' || section === null) {
      add(sectionPath, 'a section is an object')
      return
    }
    if (typeof section.id !== 'string' || !ID.test(section.id)) {
      add(`${sectionPath}.id`, 'an id of lower-case letters, digits and _ (starting with a letter)')
    } else if (seenSections.has(section.id)) add(`${sectionPath}.id`, `duplicate section id "${section.id}"`)
    else seenSections.add(section.id)
    if (isInstrumentSection(section)) {
      if (!(INSTRUMENT_CODES as readonly string[]).includes(section.instrument)) {
        add(
          `${sectionPath}.instrument`,
          `unknown instrument "${section.instrument}"; known: ${INSTRUMENT_CODES.join(', ')}`,
        )
      } else if (seenInstruments.has(section.instrument)) {
        add(`${sectionPath}.instrument`, `instrument "${section.instrument}" appears twice`)
      } else seenInstruments.add(section.instrument)
      if ('questions' in section) add(`${sectionPath}.questions`, 'an instrument section has no questions of its own')
      return
    }
    if (typeof section.title !== 'string' || !section.title.trim()) add(`${sectionPath}.title`, 'a title is required')
    tooLong(`${sectionPath}.title`, section.title, L.titleLength)
    tooLong(`${sectionPath}.titleEn`, section.titleEn, L.titleLength)
    if (!Array.isArray(section.questions)) {
      add(`${sectionPath}.questions`, 'a list of questions is required')
      return
    }
    if (section.questions.length > L.questionsPerSection) {
      add(`${sectionPath}.questions`, `at most ${L.questionsPerSection} questions in a section`)
    }
    questionCount += section.questions.length
    section.questions.forEach((question, questionIndex) => {
      const path = `${sectionPath}.questions[${questionIndex}]`
      if (typeof question !== 'object' || question === null) {
        add(path, 'a question is an object')
        return
      }
      if (typeof question.id !== 'string' || !ID.test(question.id)) {
        add(`${path}.id`, 'an id of lower-case letters, digits and _ (starting with a letter)')
      } else if (seenQuestions.has(question.id)) add(`${path}.id`, `duplicate question id "${question.id}"`)
      else if (question.id === 'instruments')
        add(`${path}.id`, '"instruments" is reserved for the instruments’ answers')
      if (!(QUESTION_TYPES as readonly string[]).includes(question.type)) {
        add(`${path}.type`, `unknown type "${question.type}"; known: ${QUESTION_TYPES.join(', ')}`)
      }
      if (typeof question.label !== 'string' || !question.label.trim()) add(`${path}.label`, 'a label is required')
      tooLong(`${path}.label`, question.label, L.labelLength)
      tooLong(`${path}.labelEn`, question.labelEn, L.labelLength)
      if (typeof question.required !== 'boolean') add(`${path}.required`, 'required must be true or false')
      const isChoice = question.type === 'single_choice' || question.type === 'multiple_choice'
      if (isChoice) {
        if (!Array.isArray(question.options) || question.options.length < 2) {
          add(`${path}.options`, 'a choice question needs at least two options')
        } else if (question.options.length > L.options) {
          add(`${path}.options`, `at most ${L.options} options`)
        } else {
          const codes = new Set<string>()
          question.options.forEach((option, optionIndex) => {
            const optionPath = `${path}.options[${optionIndex}]`
            if (typeof option?.code !== 'string' || !ID.test(option.code))
              add(`${optionPath}.code`, 'a code of a-z, 0-9, _')
            else if (codes.has(option.code)) add(`${optionPath}.code`, `duplicate option "${option.code}"`)
            else codes.add(option.code)
            if (typeof option?.label !== 'string' || !option.label.trim())
              add(`${optionPath}.label`, 'a label is required')
            tooLong(`${optionPath}.label`, option?.label, L.optionLabelLength)
            tooLong(`${optionPath}.labelEn`, option?.labelEn, L.optionLabelLength)
            if (option?.need !== undefined && !(NEED_CATEGORIES as readonly string[]).includes(option.need)) {
              add(`${optionPath}.need`, `unknown need "${option.need}"; known: ${NEED_CATEGORIES.join(', ')}`)
            }
          })
        }
      } else if (question.options !== undefined) add(`${path}.options`, `a ${question.type} question has no options`)
      if (question.needIfYes !== undefined) {
        if (question.type !== 'yes_no') add(`${path}.needIfYes`, 'only a yes/no question maps "yes" to a need')
        else if (!(NEED_CATEGORIES as readonly string[]).includes(question.needIfYes)) {
          add(`${path}.needIfYes`, `unknown need "${question.needIfYes}"`)
        }
      }
      for (const bound of ['min', 'max'] as const) {
        const value = question[bound]
        if (value === undefined) continue
        if (question.type !== 'number') add(`${path}.${bound}`, `only a number question has a ${bound}`)
        else if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > L.numberBound) {
          add(`${path}.${bound}`, `a number between -${L.numberBound} and ${L.numberBound}`)
        }
      }
      if (typeof question.min === 'number' && typeof question.max === 'number' && question.min > question.max) {
        add(`${path}.max`, 'the maximum is below the minimum')
      }
      if (question.showIf !== undefined) {
        const earlier = seenQuestions.get(question.showIf?.question)
        if (!earlier) {
          add(`${path}.showIf.question`, `"${question.showIf?.question}" is not an earlier question`)
        } else if (question.showIf.equals === undefined && !Array.isArray(question.showIf.in)) {
          add(`${path}.showIf`, 'give "equals" or "in"')
        } else if (Array.isArray(question.showIf.in) && question.showIf.in.length === 0) {
          add(`${path}.showIf.in`, 'give at least one value')
        } else if (Array.isArray(question.showIf.in) && question.showIf.in.length > L.options) {
          add(`${path}.showIf.in`, `at most ${L.options} values`)
        } else if (earlier.options) {
          const codes = new Set(earlier.options.map((o) => o.code))
          const values = question.showIf.in ?? [question.showIf.equals]
          for (const value of values) {
            if (!codes.has(String(value))) add(`${path}.showIf`, `"${value}" is not an option of "${earlier.id}"`)
          }
        }
      }
      if (typeof question.id === 'string') seenQuestions.set(question.id, question)
    })
  })
  if (questionCount > L.questions) add('sections', `at most ${L.questions} questions in all`)
  issues.push(...checkRules((input as QuestionnaireDefinition).rules, seenQuestions, seenInstruments))
  return issues
}

/** Whether a question is shown given the answers so far. */
export function isQuestionShown(question: Question, answers: Record<string, unknown>): boolean {
  if (!question.showIf) return true
  const answer = answers[question.showIf.question]
  const given = Array.isArray(answer) ? answer.map(String) : answer === undefined || answer === null ? [] : [answer]
  if (question.showIf.in) return given.some((value) => question.showIf!.in!.includes(String(value)))
  return given.some((value) => value === question.showIf!.equals || String(value) === String(question.showIf!.equals))
}

export function questionsOf(definition: QuestionnaireDefinition): Question[] {
  return definition.sections.flatMap((section) => (isInstrumentSection(section) ? [] : section.questions))
}

export function instrumentsOf(definition: QuestionnaireDefinition): InstrumentCode[] {
  return definition.sections.filter(isInstrumentSection).map((section) => section.instrument)
}

export interface AnswerIssue {
  field: string
  message: string
  value?: unknown
}

/** Reserved answers key holding the instruments' items: `answers.instruments[code][item]`. */
export const INSTRUMENTS_KEY = 'instruments'

/**
 * Checks a completed call's answers against the questionnaire version they were given for: every shown required
 * question answered, each value of the question's type and among its options, nothing answered that does not exist
 * or was not shown. Returns the needs the answers suggest (a person confirms them).
 */
export function checkAnswers(definition: QuestionnaireDefinition, answers: Record<string, unknown>) {
  const issues: AnswerIssue[] = []
  const suggestedNeeds = new Set<NeedCategory>()
  const questions = questionsOf(definition)
  const known = new Set(questions.map((question) => question.id))
  for (const key of Object.keys(answers)) {
    if (key !== INSTRUMENTS_KEY && !known.has(key))
      issues.push({ field: key, message: 'no such question in this version' })
  }
  for (const question of questions) {
    const value = answers[question.id]
    const isEmpty =
      value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
    if (!isQuestionShown(question, answers)) {
      if (!isEmpty) issues.push({ field: question.id, message: 'answered although the question is not shown', value })
      continue
    }
    if (isEmpty) {
      if (question.required) issues.push({ field: question.id, message: `"${question.label}" needs an answer` })
      continue
    }
    const optionCodes = question.options?.map((option) => option.code) ?? []
    switch (question.type) {
      case 'yes_no':
        if (typeof value !== 'boolean') issues.push({ field: question.id, message: 'expected true or false', value })
        else if (value && question.needIfYes) suggestedNeeds.add(question.needIfYes)
        break
      case 'single_choice':
        if (typeof value !== 'string' || !optionCodes.includes(value)) {
          issues.push({ field: question.id, message: `expected one of ${optionCodes.join(', ')}`, value })
        } else {
          const need = question.options?.find((option) => option.code === value)?.need
          if (need) suggestedNeeds.add(need)
        }
        break
      case 'multiple_choice':
        if (!Array.isArray(value) || value.some((code) => typeof code !== 'string' || !optionCodes.includes(code))) {
          issues.push({ field: question.id, message: `expected a list among ${optionCodes.join(', ')}`, value })
        } else {
          for (const code of value) {
            const need = question.options?.find((option) => option.code === code)?.need
            if (need) suggestedNeeds.add(need)
          }
        }
        break
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value))
          issues.push({ field: question.id, message: 'expected a number', value })
        else if (question.min !== undefined && value < question.min) {
          issues.push({ field: question.id, message: `at least ${question.min}`, value })
        } else if (question.max !== undefined && value > question.max) {
          issues.push({ field: question.id, message: `at most ${question.max}`, value })
        }
        break
      case 'date':
        if (typeof value !== 'string' || !isCalendarDay(value)) {
          issues.push({ field: question.id, message: 'expected a date YYYY-MM-DD', value })
        }
        break
      case 'short_text':
        if (typeof value !== 'string' || value.length > QUESTIONNAIRE_LIMITS.shortTextLength) {
          const max = QUESTIONNAIRE_LIMITS.shortTextLength
          issues.push({ field: question.id, message: `expected a text of at most ${max} characters`, value })
        }
        break
    }
  }
  return { issues, suggestedNeeds: [...suggestedNeeds] }
}
