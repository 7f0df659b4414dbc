import { Alert, Button, Group, List, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'

/** The ten recovery codes, shown once: to download or note, then « J’ai noté mes codes ». */
export function RecoveryCodes({ codes, account, onDone }: { codes: string[]; account: string; onDone: () => void }) {
  const { t } = useTranslation()
  const download = () => {
    const text = [t('mfa.recovery.fileTitle', { account }), t('mfa.recovery.fileHint'), '', ...codes, ''].join('\n')
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }))
    const link = document.createElement('a')
    link.href = url
    link.download = 'allervers-codes-de-secours.txt'
    link.click()
    URL.revokeObjectURL(url)
  }
  return (
    <Stack>
      <Title order={2} size="h3" id="mfa-recovery-title">
        {t('mfa.recovery.title')}
      </Title>
      <Alert color="yellow">{t('mfa.recovery.intro')}</Alert>
      <List
        type="ordered"
        aria-label={t('mfa.recovery.listLabel')}
        ff="monospace"
        fz="lg"
        spacing={4}
        withPadding
        data-testid="recovery-codes"
      >
        {codes.map((code) => (
          <List.Item key={code}>
            <Text span ff="monospace" fz="lg">
              {code}
            </Text>
          </List.Item>
        ))}
      </List>
      <Group>
        <Button variant="default" onClick={download}>
          {t('mfa.recovery.download')}
        </Button>
        <Button onClick={onDone}>{t('mfa.recovery.done')}</Button>
      </Group>
    </Stack>
  )
}
