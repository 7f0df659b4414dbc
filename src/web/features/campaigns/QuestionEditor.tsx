import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core'
import { IconArrowDown, IconArrowUp, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { NEED_CATEGORIES, type NeedCategory } from '../../../shared/campaigns.js'
import { labelOf, localeOf } from '../../../shared/labels.js'
import {
  QUESTION_TYPES,
  QUESTIONNAIRE_LIMITS,
  type Question,
  type QuestionType,
  type ShowIf,
} from '../../../shared/questionnaire.js'
import { addOption, defaultCondition, removeOption, retype, updateOption } from './questionnaireDraft.js'

const L = QUESTIONNAIRE_LIMITS
const NO_NEED = '__none__'

/** One question of the builder: wording, type, required, options and their needs, condition, bounds. */
export function QuestionEditor({
  question,
  number,
  sources,
  errors,
  isFirst,
  isLast,
  onChange,
  onMove,
  onRemove,
}: {
  question: Question
  /** "2" for the section's second question: how the buttons and the problems name it. */
  number: number
  /** Earlier questions a condition may look at. */
  sources: Question[]
  /** Problems by the question's own field: `label`, `options[0].label`, `showIf`, `max`… */
  errors: Record<string, string>
  isFirst: boolean
  isLast: boolean
  onChange: (question: Question) => void
  onMove: (by: -1 | 1) => void
  onRemove: () => void
}) {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  const name = t('builder.questionnaire.question', { index: number })
  const needs = [
    { value: NO_NEED, label: t('builder.questionnaire.noNeed') },
    ...NEED_CATEGORIES.map((need) => ({ value: need, label: labelOf('need', need, locale) })),
  ]
  const isChoice = question.type === 'single_choice' || question.type === 'multiple_choice'
  const labelId = `question-${question.id}-title`

  return (
    <Card withBorder padding="sm" component="section" aria-labelledby={labelId} data-question={question.id}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs">
            <Text fw={700} id={labelId}>
              {name}
            </Text>
            {question.showIf && (
              <Badge variant="outline" color="indigo.9" size="sm">
                {t('builder.questionnaire.condition')}
              </Badge>
            )}
          </Group>
          <Group gap={4} wrap="nowrap">
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={`${t('builder.moveUp')} : ${name}`}
              disabled={isFirst}
              onClick={() => onMove(-1)}
            >
              <IconArrowUp size={18} />
            </ActionIcon>
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={`${t('builder.moveDown')} : ${name}`}
              disabled={isLast}
              onClick={() => onMove(1)}
            >
              <IconArrowDown size={18} />
            </ActionIcon>
            <Button
              variant="subtle"
              color="red"
              size="compact-sm"
              leftSection={<IconTrash size={16} />}
              onClick={onRemove}
              aria-label={`${t('builder.questionnaire.removeQuestion')} : ${name}`}
            >
              {t('builder.questionnaire.removeQuestion')}
            </Button>
          </Group>
        </Group>
        <TextInput
          label={t('builder.questionnaire.label')}
          value={question.label}
          maxLength={L.labelLength}
          withAsterisk
          error={errors.label}
          onChange={(event) => onChange({ ...question, label: event.currentTarget.value })}
        />
        <TextInput
          label={t('builder.questionnaire.labelEn')}
          value={question.labelEn ?? ''}
          maxLength={L.labelLength}
          error={errors.labelEn}
          onChange={(event) => {
            const { labelEn: _, ...rest } = question
            const value = event.currentTarget.value
            onChange(value ? { ...rest, labelEn: value } : rest)
          }}
        />
        <Group align="flex-end" gap="md">
          <Select
            label={t('builder.questionnaire.type')}
            data={QUESTION_TYPES.map((type) => ({ value: type, label: t(`builder.questionnaire.types.${type}`) }))}
            value={question.type}
            allowDeselect={false}
            onChange={(type) => type && onChange(retype(question, type as QuestionType))}
            w={260}
          />
          <Checkbox
            label={t('builder.questionnaire.required')}
            checked={question.required}
            onChange={(event) => onChange({ ...question, required: event.currentTarget.checked })}
            mb={8}
          />
        </Group>
        {question.type === 'yes_no' && (
          <Select
            label={t('builder.questionnaire.needIfYes')}
            data={needs}
            value={question.needIfYes ?? NO_NEED}
            allowDeselect={false}
            onChange={(need) => {
              const { needIfYes: _, ...rest } = question
              onChange(need && need !== NO_NEED ? { ...rest, needIfYes: need as NeedCategory } : rest)
            }}
            w={320}
          />
        )}
        {isChoice && (
          <Stack gap={6} component="fieldset" style={{ border: 0, padding: 0, margin: 0 }}>
            <Text component="legend" fw={600} size="sm">
              {t('builder.questionnaire.options')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('builder.questionnaire.needHelp')}
            </Text>
            {(question.options ?? []).map((option, index) => {
              const optionName = t('builder.questionnaire.option', { index: index + 1 })
              return (
                <Group key={option.code} align="flex-start" gap="xs" wrap="wrap">
                  <TextInput
                    label={optionName}
                    value={option.label}
                    maxLength={L.optionLabelLength}
                    withAsterisk
                    error={errors[`options[${index}].label`]}
                    onChange={(event) => onChange(updateOption(question, index, { label: event.currentTarget.value }))}
                    style={{ flex: '1 1 220px' }}
                  />
                  <Select
                    label={`${t('builder.questionnaire.need')} (${optionName.toLowerCase()})`}
                    data={needs}
                    value={option.need ?? NO_NEED}
                    allowDeselect={false}
                    onChange={(need) =>
                      onChange(
                        updateOption(question, index, {
                          need: need && need !== NO_NEED ? (need as NeedCategory) : undefined,
                        }),
                      )
                    }
                    style={{ flex: '0 1 240px' }}
                  />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    mt={26}
                    aria-label={t('builder.questionnaire.removeOption', { index: index + 1 })}
                    disabled={(question.options?.length ?? 0) <= 2}
                    onClick={() => onChange(removeOption(question, index))}
                  >
                    <IconTrash size={18} />
                  </ActionIcon>
                </Group>
              )
            })}
            <Group>
              <Button
                variant="default"
                size="compact-sm"
                disabled={(question.options?.length ?? 0) >= L.options}
                onClick={() => onChange(addOption(question))}
              >
                {t('builder.questionnaire.addOption')}
              </Button>
              {(question.options?.length ?? 0) >= L.options && (
                <Text size="sm">{t('builder.questionnaire.limit', { max: L.options })}</Text>
              )}
            </Group>
          </Stack>
        )}
        {question.type === 'number' && (
          <Group>
            <NumberInput
              label={t('builder.questionnaire.min')}
              value={question.min ?? ''}
              min={-L.numberBound}
              max={L.numberBound}
              clampBehavior="strict"
              onChange={(value) => {
                const { min: _, ...rest } = question
                onChange(typeof value === 'number' ? { ...rest, min: value } : rest)
              }}
              w={180}
            />
            <NumberInput
              label={t('builder.questionnaire.max')}
              value={question.max ?? ''}
              min={-L.numberBound}
              max={L.numberBound}
              clampBehavior="strict"
              error={errors.max}
              onChange={(value) => {
                const { max: _, ...rest } = question
                onChange(typeof value === 'number' ? { ...rest, max: value } : rest)
              }}
              w={180}
            />
          </Group>
        )}
        <ConditionEditor question={question} sources={sources} error={errors.showIf} onChange={onChange} />
      </Stack>
    </Card>
  )
}

function ConditionEditor({
  question,
  sources,
  error,
  onChange,
}: {
  question: Question
  sources: Question[]
  error?: string
  onChange: (question: Question) => void
}) {
  const { t, i18n } = useTranslation()
  const isEnglish = i18n.language === 'en'
  const labelOf = (q: Question) => (isEnglish && q.labelEn ? q.labelEn : q.label) || t('builder.questionnaire.untitled')
  const condition = question.showIf
  const source = condition ? sources.find((q) => q.id === condition.question) : undefined
  const setCondition = (showIf: ShowIf | undefined) => {
    const { showIf: _, ...rest } = question
    onChange(showIf ? { ...rest, showIf } : rest)
  }
  return (
    <Stack gap={6}>
      <Switch
        label={t('builder.questionnaire.condition')}
        checked={condition !== undefined}
        disabled={sources.length === 0 && condition === undefined}
        description={
          sources.length === 0 && condition === undefined ? t('builder.questionnaire.conditionNone') : undefined
        }
        onChange={(event) => {
          const first = sources.at(-1)
          setCondition(event.currentTarget.checked && first ? defaultCondition(first) : undefined)
        }}
      />
      {condition && (
        <Group align="flex-start" gap="sm" pl="lg" wrap="wrap">
          <Select
            label={t('builder.questionnaire.conditionSource')}
            data={sources.map((q) => ({ value: q.id, label: labelOf(q) }))}
            value={source ? source.id : null}
            allowDeselect={false}
            error={error}
            onChange={(id) => {
              const picked = sources.find((q) => q.id === id)
              if (picked) setCondition(defaultCondition(picked))
            }}
            style={{ flex: '1 1 260px' }}
          />
          {source?.type === 'yes_no' && (
            <Select
              label={t('builder.questionnaire.conditionIs')}
              data={[
                { value: 'true', label: t('builder.questionnaire.yes') },
                { value: 'false', label: t('builder.questionnaire.no') },
              ]}
              value={condition.equals === false ? 'false' : 'true'}
              allowDeselect={false}
              onChange={(value) => setCondition({ question: source.id, equals: value !== 'false' })}
              w={140}
            />
          )}
          {source && source.type !== 'yes_no' && (
            <MultiSelect
              label={t('builder.questionnaire.conditionAnyOf')}
              data={(source.options ?? []).map((o) => ({
                value: o.code,
                label: (isEnglish && o.labelEn ? o.labelEn : o.label) || o.code,
              }))}
              value={condition.in ?? (condition.equals === undefined ? [] : [String(condition.equals)])}
              onChange={(codes) => setCondition({ question: source.id, in: codes })}
              error={condition.in?.length === 0 ? t('builder.questionnaire.issues.conditionValues') : undefined}
              style={{ flex: '1 1 260px' }}
            />
          )}
        </Group>
      )}
    </Stack>
  )
}
