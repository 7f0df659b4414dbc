import { Box, Checkbox, Group, NumberInput, Radio, Stack, Text, TextInput, Title } from '@mantine/core'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { InstrumentCode, InstrumentItem, OptionCode } from '../../../shared/instruments/index.js'
import {
  INSTRUMENTS_KEY,
  isInstrumentSection,
  isQuestionShown,
  type Question,
  type QuestionnaireDefinition,
} from '../../../shared/questionnaire.js'
import { DayInput } from '../../components/DayInput.js'
import { SensitiveWordWarning } from '../../components/SensitiveWordWarning.js'
import { shownWords } from '../../i18n/shown-words.js'
import { answersToSend, instrumentDefinition, instrumentResult, isItemAsked } from './outcome.js'

type Answers = Record<string, unknown>

/** The wrapper id of a field, so that a problem can move the focus to it. */
export function fieldId(field: string) {
  return `calling-field-${field.replaceAll('.', '-')}`
}

// Radio and checkbox values are strings: option codes (true, 3, "all") travel as their JSON.
const encode = (code: OptionCode) => JSON.stringify(code)
const decode = (value: string) => JSON.parse(value) as OptionCode
const NONE = '__none__'

export function QuestionnaireFields({
  definition,
  answers,
  errors,
  onChange,
}: {
  definition: QuestionnaireDefinition
  answers: Answers
  errors: Record<string, string>
  onChange: (answers: Answers) => void
}) {
  const { t, i18n } = useTranslation()
  // Shown-ness is decided on the answers that will be sent, so a stale hidden answer never keeps a question shown.
  const effective = answersToSend(definition, answers)
  const instruments = (answers[INSTRUMENTS_KEY] ?? {}) as Record<string, Answers>

  const setAnswer = (id: string, value: unknown) => {
    const next = { ...answers }
    if (value === undefined) delete next[id]
    else next[id] = value
    onChange(next)
  }
  const setItem = (code: InstrumentCode, item: InstrumentItem, value: unknown) => {
    const items = { ...(instruments[code] ?? {}) }
    if (value === undefined) delete items[item.code]
    else items[item.code] = value
    // An item asked only after a given answer goes with that answer.
    for (const other of instrumentDefinition(code).items) {
      if (other.askedOnlyIf?.item === item.code && !isItemAsked(other, items)) delete items[other.code]
    }
    onChange({ ...answers, [INSTRUMENTS_KEY]: { ...instruments, [code]: items } })
  }

  return (
    <Stack gap="lg">
      {definition.sections.map((section) => {
        if (isInstrumentSection(section)) {
          const instrument = instrumentDefinition(section.instrument)
          const items = instruments[section.instrument] ?? {}
          const result = instrumentResult(section.instrument, answers)
          const category = result && instrument.categories.find((c) => c.code === result.category)
          return (
            <Stack key={section.id} gap="sm" component="section" aria-labelledby={`section-${section.id}`}>
              <Title order={4} id={`section-${section.id}`}>
                {i18n.language === 'en' || !section.title
                  ? shownWords(i18n.language, instrument.name.fr, instrument.name.en)
                  : shownWords(i18n.language, section.title)}
              </Title>
              <Text size="sm" c="dimmed">
                {shownWords(i18n.language, instrument.description.fr, instrument.description.en)}
              </Text>
              {instrument.items
                .filter((item) => isItemAsked(item, items))
                .map((item) => (
                  <InstrumentItemField
                    key={item.code}
                    field={`${INSTRUMENTS_KEY}.${section.instrument}.${item.code}`}
                    item={item}
                    value={items[item.code]}
                    error={errors[`${INSTRUMENTS_KEY}.${section.instrument}.${item.code}`]}
                    onChange={(value) => setItem(section.instrument, item, value)}
                  />
                ))}
              {!result && Object.keys(items).length > 0 && (
                <Text size="sm" c="dimmed">
                  {t('calling.questionnaire.incomplete')}
                </Text>
              )}
              {result && category && (
                <Text size="sm" fw={600} data-testid={`score-${section.instrument}`}>
                  {t('calling.questionnaire.score', {
                    score: result.score,
                    min: instrument.scoreRange.min,
                    max: instrument.scoreRange.max,
                    category: shownWords(i18n.language, category.label.fr, category.label.en),
                  })}
                </Text>
              )}
            </Stack>
          )
        }
        const visible = section.questions.filter((question) => isQuestionShown(question, effective))
        if (visible.length === 0) return null
        return (
          <Stack key={section.id} gap="sm" component="section" aria-labelledby={`section-${section.id}`}>
            <Title order={4} id={`section-${section.id}`}>
              {shownWords(i18n.language, section.title, section.titleEn)}
            </Title>
            {visible.map((question) => (
              <QuestionField
                key={question.id}
                question={question}
                value={answers[question.id]}
                error={errors[question.id]}
                onChange={(value) => setAnswer(question.id, value)}
              />
            ))}
          </Stack>
        )
      })}
    </Stack>
  )
}

function QuestionField({
  question,
  value,
  error,
  onChange,
}: {
  question: Question
  value: unknown
  error?: string
  onChange: (value: unknown) => void
}) {
  const { t, i18n } = useTranslation()
  const label = shownWords(i18n.language, question.label, question.labelEn)
  const optionLabel = (option: { label: string; labelEn?: string }) =>
    shownWords(i18n.language, option.label, option.labelEn)
  const common = { label, withAsterisk: question.required, error }
  let input: ReactNode
  switch (question.type) {
    case 'yes_no':
      input = (
        <Radio.Group
          {...common}
          value={value === true ? 'yes' : value === false ? 'no' : null}
          onChange={(choice) => onChange(choice === 'yes')}
        >
          <Group gap="lg" mt={6}>
            <Radio value="yes" label={t('calling.questionnaire.yes')} />
            <Radio value="no" label={t('calling.questionnaire.no')} />
          </Group>
        </Radio.Group>
      )
      break
    case 'single_choice':
      input = (
        <Radio.Group {...common} value={typeof value === 'string' ? value : null} onChange={onChange}>
          <Stack gap={6} mt={6}>
            {question.options?.map((option) => (
              <Radio key={option.code} value={option.code} label={optionLabel(option)} />
            ))}
          </Stack>
        </Radio.Group>
      )
      break
    case 'multiple_choice':
      input = (
        <Checkbox.Group
          {...common}
          value={Array.isArray(value) ? (value as string[]) : []}
          onChange={(codes) => onChange(codes.length ? codes : undefined)}
        >
          <Stack gap={6} mt={6}>
            {question.options?.map((option) => (
              <Checkbox key={option.code} value={option.code} label={optionLabel(option)} />
            ))}
          </Stack>
        </Checkbox.Group>
      )
      break
    case 'number':
      input = (
        <NumberInput
          {...common}
          value={typeof value === 'number' ? value : ''}
          min={question.min}
          max={question.max}
          onChange={(number) => onChange(typeof number === 'number' ? number : undefined)}
          maw={240}
        />
      )
      break
    case 'date':
      input = (
        <DayInput
          label={label}
          withAsterisk={question.required}
          error={error}
          value={typeof value === 'string' ? value : undefined}
          onChange={(day) => onChange(day)}
          w={240}
        />
      )
      break
    default:
      input = (
        <>
          <TextInput
            {...common}
            maxLength={500}
            value={typeof value === 'string' ? value : ''}
            onChange={(event) => onChange(event.currentTarget.value || undefined)}
          />
          <SensitiveWordWarning text={typeof value === 'string' ? value : ''} />
        </>
      )
  }
  return <Box id={fieldId(question.id)}>{input}</Box>
}

function InstrumentItemField({
  field,
  item,
  value,
  error,
  onChange,
}: {
  field: string
  item: InstrumentItem
  value: unknown
  error?: string
  onChange: (value: unknown) => void
}) {
  const { t, i18n } = useTranslation()
  const label = shownWords(i18n.language, item.wording.fr, item.wording.en)
  let input: ReactNode
  if (item.answerType === 'multiple_choice') {
    const chosen = Array.isArray(value) ? value.map((code) => encode(code as OptionCode)) : []
    input = (
      <Checkbox.Group
        label={label}
        error={error}
        value={Array.isArray(value) && value.length === 0 ? [NONE] : chosen}
        onChange={(codes) => {
          // "None of these" is an answer too (it completes the instrument), and excludes every other choice.
          if (codes.includes(NONE) && !(Array.isArray(value) && value.length === 0)) {
            onChange([])
          } else {
            const picked = codes.filter((code) => code !== NONE).map(decode)
            onChange(picked.length ? picked : undefined)
          }
        }}
      >
        <Stack gap={6} mt={6}>
          {item.options.map((option) => (
            <Checkbox
              key={encode(option.code)}
              value={encode(option.code)}
              label={shownWords(i18n.language, option.label.fr, option.label.en)}
            />
          ))}
          <Checkbox value={NONE} label={t('calling.questionnaire.none')} />
        </Stack>
      </Checkbox.Group>
    )
  } else if (item.answerType === 'number') {
    input = (
      <NumberInput
        label={label}
        error={error}
        value={typeof value === 'number' ? value : ''}
        min={item.exclusiveMinimum}
        decimalScale={1}
        rightSection={item.unit ? <Text size="sm">{item.unit}</Text> : undefined}
        onChange={(number) => onChange(typeof number === 'number' ? number : undefined)}
        maw={240}
      />
    )
  } else {
    const options = item.options
    input = (
      <Radio.Group
        label={label}
        error={error}
        value={value === undefined || value === null ? null : encode(value as OptionCode)}
        onChange={(choice) => onChange(decode(choice))}
      >
        <Group gap="md" mt={6}>
          {options.map((option) => (
            <Radio
              key={encode(option.code)}
              value={encode(option.code)}
              label={shownWords(i18n.language, option.label.fr, option.label.en)}
            />
          ))}
        </Group>
      </Radio.Group>
    )
  }
  return <Box id={fieldId(field)}>{input}</Box>
}
