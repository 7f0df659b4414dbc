import { Alert, Button, Checkbox, Group, Modal, Radio, Stack, Text, Textarea } from '@mantine/core'
import { useMutation } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { describeError } from '../../components/errors.js'
import { SensitiveWordWarning } from '../../components/SensitiveWordWarning.js'
import { callingApi } from './api.js'

const SCALE = ['1', '2', '3', '4', '5'] as const

export type FeedbackResult = 'sent' | 'debriefRequested' | 'skipped'

/**
 * The caller's optional end-of-session questions (how meaningful, how useful, 1–5; a comment) and the request for a
 * debrief. Opened by "Terminer ma session", or by "Demander un débriefing" with the box already ticked.
 * Skippable (Passer, Escape); every control is a native input, reachable with the keyboard.
 */
export function FeedbackDialog({
  campaignId,
  opened,
  debrief,
  onDone,
}: {
  campaignId: string
  opened: boolean
  /** Opened from "Demander un débriefing": the box starts ticked. */
  debrief: boolean
  onDone: (result: FeedbackResult) => void
}) {
  const { t } = useTranslation()
  const [meaningful, setMeaningful] = useState<string | null>(null)
  const [useful, setUseful] = useState<string | null>(null)
  const [comment, setComment] = useState('')
  const [debriefRequested, setDebriefRequested] = useState(debrief)
  const [showErrors, setShowErrors] = useState(false)

  useEffect(() => {
    if (!opened) return
    setMeaningful(null)
    setUseful(null)
    setComment('')
    setDebriefRequested(debrief)
    setShowErrors(false)
  }, [opened, debrief])

  const send = useMutation({
    mutationFn: () =>
      callingApi.feedback(campaignId, {
        meaningful: Number(meaningful) as 1 | 2 | 3 | 4 | 5,
        useful: Number(useful) as 1 | 2 | 3 | 4 | 5,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
        debriefRequested,
      }),
    onSuccess: () => onDone(debriefRequested ? 'debriefRequested' : 'sent'),
  })

  const submit = (event: React.FormEvent) => {
    event.preventDefault()
    if (!meaningful || !useful) {
      setShowErrors(true)
      return
    }
    send.mutate()
  }

  const scale = (label: string, value: string | null, onChange: (value: string) => void) => (
    <Radio.Group
      label={label}
      value={value}
      onChange={onChange}
      error={showErrors && !value ? t('feedback.required') : undefined}
    >
      <Group gap="md" mt="xs">
        {SCALE.map((score) => (
          <Radio key={score} value={score} label={t(`feedback.scale.${score}`)} />
        ))}
      </Group>
    </Radio.Group>
  )

  return (
    <Modal
      opened={opened}
      onClose={() => onDone('skipped')}
      title={debrief ? t('feedback.debriefTitle') : t('feedback.title')}
      size="lg"
      closeButtonProps={{ 'aria-label': t('feedback.skip') }}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm">{debrief ? t('feedback.debriefIntro') : t('feedback.intro')}</Text>
          {scale(t('feedback.meaningful'), meaningful, setMeaningful)}
          {scale(t('feedback.useful'), useful, setUseful)}
          <Textarea
            label={t('feedback.comment')}
            description={t('feedback.commentHelp')}
            value={comment}
            onChange={(event) => setComment(event.currentTarget.value)}
            maxLength={2000}
            autosize
            minRows={2}
          />
          <SensitiveWordWarning text={comment} />
          <Checkbox
            label={t('feedback.debrief')}
            checked={debriefRequested}
            onChange={(event) => setDebriefRequested(event.currentTarget.checked)}
          />
          {send.error && (
            <Alert color="red" role="alert">
              {describeError(t, send.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onDone('skipped')}>
              {t('feedback.skip')}
            </Button>
            <Button type="submit" loading={send.isPending}>
              {t('feedback.send')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
