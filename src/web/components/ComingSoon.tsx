import { Alert, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'

export function ComingSoon({ titleKey }: { titleKey: string }) {
  const { t } = useTranslation()
  return (
    <>
      <Title order={2} mb="md">
        {t(titleKey)}
      </Title>
      <Alert title={t('soon.title')}>{t('soon.body')}</Alert>
    </>
  )
}
