import { ActionIcon, Button, Card, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core'
import { IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { FRAGILITY_LEVELS, NEED_CATEGORIES } from '../../../shared/campaigns.js'
import { DETECTION_LIMITS, type DetectionRule, type RuleCondition } from '../../../shared/detection.js'
import type { InstrumentCode } from '../../../shared/instruments/types.js'
import { labelOf, localeOf } from '../../../shared/labels.js'
import type { QuestionnaireDefinition } from '../../../shared/questionnaire.js'
import { URGENCIES } from '../../../shared/referrals.js'
import type { PendingConfirmation } from './DestructiveConfirm.js'
import { addRule, removeRule, ruleSources, updateRule } from './questionnaireDraft.js'

const NONE = '__none__'

/**
 * The questionnaire's detection rules: « si ces réponses… alors suggérer… ». Each rule is all of its conditions (an
 * answer of a yes/no or choice question, or a validated instrument past its threshold) and suggests a fragility level,
 * an orientation (category and delay) or both. The caller confirms or declines each suggestion during the call.
 */
export function RulesEditor({
  draft,
  onChange,
  confirm,
}: {
  draft: QuestionnaireDefinition
  onChange: (next: QuestionnaireDefinition) => void
  confirm: (pending: PendingConfirmation) => void
}) {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  const rules = draft.rules ?? []
  const { questions, instruments } = ruleSources(draft)
  const sourceData = [
    ...questions.map((q) => ({ value: `q:${q.id}`, label: q.label || q.id })),
    ...instruments.map((code) => ({
      value: `i:${code}`,
      label: t('builder.rules.instrumentPositive', { name: labelOf('instrument', code, locale) }),
    })),
  ]
  const valuesOf = (condition: RuleCondition) => {
    if ('instrument' in condition) return []
    const question = questions.find((q) => q.id === condition.question)
    if (question?.type === 'yes_no') {
      return [
        { value: 'true', label: t('builder.questionnaire.yes') },
        { value: 'false', label: t('builder.questionnaire.no') },
      ]
    }
    return (question?.options ?? []).map((o) => ({ value: o.code, label: o.label || o.code }))
  }
  const conditionFor = (source: string): RuleCondition => {
    if (source.startsWith('i:')) return { instrument: source.slice(2) as InstrumentCode, positive: true }
    const question = questions.find((q) => q.id === source.slice(2))!
    return question.type === 'yes_no'
      ? { question: question.id, equals: true }
      : { question: question.id, in: question.options?.[0] ? [question.options[0].code] : [] }
  }
  const set = (index: number, rule: DetectionRule) => onChange(updateRule(draft, index, rule))
  const canAdd = rules.length < DETECTION_LIMITS.rules && sourceData.length > 0

  return (
    <Card withBorder component="section" aria-labelledby="rules-title">
      <Stack gap="sm">
        <Title order={3} size="h4" id="rules-title">
          {t('builder.rules.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('builder.rules.help')}
        </Text>
        {rules.length === 0 && <Text size="sm">{t('builder.rules.none')}</Text>}
        {rules.map((rule, index) => {
          const name = t('builder.rules.rule', { index: index + 1 })
          return (
            <Card key={rule.id} withBorder padding="sm" component="section" aria-label={name} data-rule={rule.id}>
              <Stack gap="xs">
                <Group justify="space-between" wrap="nowrap">
                  <Text fw={700}>{name}</Text>
                  <Button
                    variant="subtle"
                    color="red"
                    size="compact-sm"
                    leftSection={<IconTrash size={16} />}
                    aria-label={`${t('builder.rules.remove')} : ${name}`}
                    onClick={() =>
                      confirm({
                        title: t('builder.rules.removeTitle', { label: rule.label || name }),
                        text: t('builder.rules.removeText'),
                        confirm: t('builder.rules.remove'),
                        onConfirm: () => onChange(removeRule(draft, index)),
                      })
                    }
                  >
                    {t('builder.rules.remove')}
                  </Button>
                </Group>
                <TextInput
                  label={t('builder.rules.label')}
                  description={t('builder.rules.labelHelp')}
                  value={rule.label}
                  maxLength={DETECTION_LIMITS.labelLength}
                  withAsterisk
                  onChange={(event) => set(index, { ...rule, label: event.currentTarget.value })}
                />
                <Text size="sm" fw={600}>
                  {t('builder.rules.when')}
                </Text>
                {rule.when.map((condition, at) => {
                  const source = 'instrument' in condition ? `i:${condition.instrument}` : `q:${condition.question}`
                  const value =
                    'instrument' in condition
                      ? null
                      : condition.equals !== undefined
                        ? String(condition.equals)
                        : (condition.in?.[0] ?? null)
                  const conditionName = t('builder.rules.condition', { index: at + 1 })
                  const replace = (next: RuleCondition) =>
                    set(index, { ...rule, when: rule.when.map((c, i) => (i === at ? next : c)) })
                  return (
                    // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no id; a row is its place in the rule
                    <Group key={`${source}-${at}`} align="flex-end" gap="sm" wrap="wrap">
                      <Select
                        label={`${conditionName} — ${t('builder.rules.source')}`}
                        data={sourceData}
                        value={source}
                        allowDeselect={false}
                        onChange={(next) => next && replace(conditionFor(next))}
                        w={320}
                      />
                      {!('instrument' in condition) && (
                        <Select
                          label={t('builder.rules.value')}
                          data={valuesOf(condition)}
                          value={value}
                          allowDeselect={false}
                          onChange={(next) => {
                            if (next === null) return
                            const question = questions.find((q) => q.id === condition.question)
                            replace(
                              question?.type === 'yes_no'
                                ? { question: condition.question, equals: next === 'true' }
                                : { question: condition.question, in: [next] },
                            )
                          }}
                          w={200}
                        />
                      )}
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        size="lg"
                        mb={2}
                        disabled={rule.when.length === 1}
                        aria-label={`${t('builder.rules.removeCondition')} : ${conditionName}`}
                        onClick={() => set(index, { ...rule, when: rule.when.filter((_, i) => i !== at) })}
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
                    disabled={rule.when.length >= DETECTION_LIMITS.conditions}
                    onClick={() => set(index, { ...rule, when: [...rule.when, conditionFor(sourceData[0]!.value)] })}
                  >
                    {t('builder.rules.addCondition')}
                  </Button>
                </Group>
                <Text size="sm" fw={600}>
                  {t('builder.rules.suggestWhat')}
                </Text>
                <Group align="flex-end" gap="sm" wrap="wrap">
                  <Select
                    label={t('builder.rules.fragility')}
                    data={[
                      { value: NONE, label: t('builder.rules.noSuggestion') },
                      ...FRAGILITY_LEVELS.map((level) => ({
                        value: level,
                        label: labelOf('fragility', level, locale),
                      })),
                    ]}
                    value={rule.suggest.fragility ?? NONE}
                    allowDeselect={false}
                    onChange={(next) => {
                      const { fragility: _, ...rest } = rule.suggest
                      set(index, {
                        ...rule,
                        suggest: next && next !== NONE ? { ...rest, fragility: next as never } : rest,
                      })
                    }}
                    w={240}
                  />
                  <Select
                    label={t('builder.rules.category')}
                    data={[
                      { value: NONE, label: t('builder.rules.noSuggestion') },
                      ...NEED_CATEGORIES.map((need) => ({ value: need, label: labelOf('need', need, locale) })),
                    ]}
                    value={rule.suggest.referral?.category ?? NONE}
                    allowDeselect={false}
                    onChange={(next) => {
                      const { referral, ...rest } = rule.suggest
                      set(index, {
                        ...rule,
                        suggest:
                          next && next !== NONE
                            ? {
                                ...rest,
                                referral: { category: next as never, urgency: referral?.urgency ?? 'within_7_days' },
                              }
                            : rest,
                      })
                    }}
                    w={260}
                  />
                  {rule.suggest.referral && (
                    <Select
                      label={t('builder.rules.urgency')}
                      data={URGENCIES.map((urgency) => ({
                        value: urgency,
                        label: labelOf('urgency', urgency, locale),
                      }))}
                      value={rule.suggest.referral.urgency}
                      allowDeselect={false}
                      onChange={(next) =>
                        next &&
                        rule.suggest.referral &&
                        set(index, {
                          ...rule,
                          suggest: { ...rule.suggest, referral: { ...rule.suggest.referral, urgency: next as never } },
                        })
                      }
                      w={220}
                    />
                  )}
                </Group>
              </Stack>
            </Card>
          )
        })}
        <Group>
          <Button variant="default" disabled={!canAdd} onClick={() => onChange(addRule(draft, ''))}>
            {t('builder.rules.add')}
          </Button>
          {sourceData.length === 0 && <Text size="sm">{t('builder.rules.noSource')}</Text>}
        </Group>
      </Stack>
    </Card>
  )
}
