import { SegmentedControl } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { LANGUAGES, setLanguage } from '../i18n/index.js'

export function LanguageSwitch() {
  const { t, i18n } = useTranslation()
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('shell.language')}
      value={i18n.language}
      onChange={(value) => setLanguage(value as 'fr' | 'en')}
      data={LANGUAGES.map((language) => ({ value: language.code, label: language.label }))}
    />
  )
}
