import { Alert, Button, Card, Group, Radio, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { DetectionRule, Suggestion } from '../../../shared/detection.js'
import { labelOf, localeOf } from '../../../shared/labels.js'
import { suggestionKey } from './outcome.js'

/**
 * The detection rules' suggestions for the answers so far: each says what it suggests and why, and asks the caller to
 * follow or set it aside (a radio group, required before saving a completed call). A followed orientation offers to
 * prepare it.
 */
export function SuggestionsPanel({
  suggestions,
  rules,
  choices,
  errors,
  disabled,
  onChoose,
  onPrepareReferral,
}: {
  suggestions: Suggestion[]
  rules: readonly DetectionRule[]
  choices: Record<string, boolean>
  errors: Record<string, string>
  disabled: boolean
  onChoose: (suggestion: Suggestion, followed: boolean) => void
  onPrepareReferral: (suggestion: Suggestion) => void
}) {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  if (suggestions.length === 0) return null
  const reasonsOf = (suggestion: Suggestion) =>
    suggestion.rules
      .map((id) => rules.find((rule) => rule.id === id))
      .map((rule) => (rule ? (locale === 'en' && rule.labelEn ? rule.labelEn : rule.label) : ''))
      .filter(Boolean)
      .join(' ; ')
  return (
    <Card withBorder component="section" aria-labelledby="suggestions-title" bg="orange.0">
      <Stack gap="sm">
        <Title order={3} size="h4" id="suggestions-title">
          {t('suggestions.title')}
        </Title>
        <Text size="sm">{t('suggestions.help')}</Text>
        {suggestions.map((suggestion) => {
          const key = suggestionKey(suggestion)
          const choice = choices[key]
          const text =
            suggestion.kind === 'fragility'
              ? t('suggestions.fragility', { level: labelOf('fragility', suggestion.value, locale) })
              : t('suggestions.referral', {
                  category: labelOf('need', suggestion.value, locale),
                  urgency: labelOf('urgency', suggestion.urgency ?? '', locale).toLowerCase(),
                })
          return (
            <Card key={key} withBorder padding="sm" data-suggestion={key}>
              <Stack gap={6}>
                <Text fw={700}>{text}</Text>
                <Text size="sm">{t('suggestions.because', { reasons: reasonsOf(suggestion) })}</Text>
                <Radio.Group
                  id={key}
                  label={`${t('suggestions.choice')} — ${text}`}
                  labelProps={{ className: 'visually-hidden' }}
                  value={choice === undefined ? null : choice ? 'follow' : 'decline'}
                  onChange={(value) => onChoose(suggestion, value === 'follow')}
                  error={errors[key]}
                  withAsterisk
                >
                  <Group gap="lg" mt={4}>
                    <Radio value="follow" label={t('suggestions.follow')} disabled={disabled} />
                    <Radio value="decline" label={t('suggestions.decline')} disabled={disabled} />
                  </Group>
                </Radio.Group>
                {suggestion.kind === 'referral' && choice === true && (
                  <Group>
                    <Button size="compact-sm" variant="light" onClick={() => onPrepareReferral(suggestion)}>
                      {t('suggestions.prepare')}
                    </Button>
                  </Group>
                )}
                {suggestion.kind === 'fragility' && choice === true && (
                  <Alert color="teal" py={4}>
                    {t('suggestions.followedFragility', { level: labelOf('fragility', suggestion.value, locale) })}
                  </Alert>
                )}
              </Stack>
            </Card>
          )
        })}
      </Stack>
    </Card>
  )
}
