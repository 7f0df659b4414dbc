import { Alert, List, Text } from '@mantine/core'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { findSensitiveWords, SENSITIVE_ADVICE, type SensitiveCategory } from '../../shared/sensitive-words.js'

/**
 * A plain warning under a free-text field when the text holds words of health, offences, religion, origin, sexual
 * life or political opinions (`shared/sensitive-words.ts`): the words found and the closed lists to use instead.
 * Saving stays possible. The region is polite and only its content changes, so a screen reader hears it once when a
 * word appears, not at each keystroke.
 */
export function SensitiveWordWarning({ text, id }: { text: string; id?: string }) {
  const { t, i18n } = useTranslation()
  const found = useMemo(() => findSensitiveWords(text), [text])
  const categories = [...new Set(found.map((match) => match.category))] as SensitiveCategory[]
  const language = i18n.language === 'en' ? 'en' : 'fr'
  return (
    <div id={id} aria-live="polite">
      {categories.length > 0 && (
        <Alert
          color="orange"
          variant="light"
          title={t('sensitive.title')}
          mt={6}
          styles={{ title: { color: 'var(--mantine-color-text)' } }}
        >
          <Text size="sm">
            {t('sensitive.found', {
              count: found.length,
              words: [...new Set(found.map((match) => `« ${match.words} »`))].join(', '),
            })}
          </Text>
          <List size="sm" mt={4}>
            {categories.map((category) => (
              <List.Item key={category}>{SENSITIVE_ADVICE[category][language]}</List.Item>
            ))}
          </List>
          <Text size="xs" mt={4}>
            {t('sensitive.stillSavable')}
          </Text>
        </Alert>
      )}
    </div>
  )
}
