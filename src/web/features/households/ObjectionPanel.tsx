import { Alert, Button, Card, Group, Modal, Select, Stack, Text, Textarea, Title } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatInstant, parisToday } from '../../../shared/clock.js'
import { EARLIEST_DAY } from '../../../shared/contracts/common.js'
import {
  type HouseholdDetail,
  householdsContract,
  OBJECTION_CHANNELS,
  type ObjectionChannel,
} from '../../../shared/contracts/households.js'
import { call } from '../../api/client.js'
import { DayInput } from '../../components/DayInput.js'
import { describeError } from '../../components/errors.js'
import { SensitiveWordWarning } from '../../components/SensitiveWordWarning.js'
import { useSession } from '../auth/session.js'

/** Shows a tenant's objection to calls, lets staff record one and managers lift it with a reason. */
export function ObjectionPanel({
  householdId,
  objection,
}: {
  householdId: string
  objection: HouseholdDetail['objection']
}) {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const { data: user } = useSession()
  const [isRecording, recording] = useDisclosure(false)
  const [isWithdrawing, withdrawing] = useDisclosure(false)
  const [channel, setChannel] = useState<ObjectionChannel>('phone')
  const [day, setDay] = useState(parisToday())
  const [note, setNote] = useState('')
  const [triedToRecord, setTriedToRecord] = useState(false)
  const [reason, setReason] = useState('')
  // The server checks the organisation too; this only hides a button the user could not use.
  const mayWithdraw = (user?.memberships ?? []).some((m) => m.role === 'manager' || m.role === 'admin')
  const refresh = (message: string) => {
    notifications.show({ message, color: 'teal' })
    void queryClient.invalidateQueries({ queryKey: ['household', householdId] })
  }
  const record = useMutation({
    mutationFn: () =>
      call(householdsContract.recordObjection, {
        params: { id: householdId },
        body: { channel, at: day, ...(note.trim() ? { note: note.trim() } : {}) },
      }),
    onSuccess: () => {
      recording.close()
      setNote('')
      refresh(t('history.saved'))
    },
  })
  const withdraw = useMutation({
    mutationFn: () =>
      call(householdsContract.withdrawObjection, { params: { id: householdId }, body: { reason: reason.trim() } }),
    onSuccess: () => {
      withdrawing.close()
      setReason('')
      refresh(t('history.withdrawn'))
    },
  })
  const dayError = !day
    ? triedToRecord
      ? t('history.dayRequired')
      : undefined
    : day > parisToday()
      ? t('history.dayFuture')
      : day < EARLIEST_DAY
        ? t('history.dayTooEarly')
        : undefined
  const date = (iso: string) => formatInstant(iso, i18n.language, { time: false })
  return (
    <Card withBorder component="section" aria-labelledby="household-objection">
      <Title order={3} size="h4" mb="xs" id="household-objection">
        {t('history.objectionTitle')}
      </Title>
      <Text>
        {objection
          ? t('history.objectionSince', {
              date: date(objection.at),
              channel: t(`history.channels.${objection.channel ?? 'other'}`),
            })
          : t('history.objectionNone')}
      </Text>
      <Text size="sm" c="dimmed" mt={4}>
        {t('history.objectionHelp')}
      </Text>
      <Group mt="sm">
        {!objection && (
          <Button variant="light" color="red" onClick={recording.open}>
            {t('history.record')}
          </Button>
        )}
        {objection && mayWithdraw && (
          <Button variant="subtle" onClick={withdrawing.open}>
            {t('history.withdraw')}
          </Button>
        )}
      </Group>
      <Modal
        opened={isRecording}
        onClose={recording.close}
        title={t('history.recordTitle')}
        closeButtonProps={{ 'aria-label': t('history.cancel') }}
      >
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault()
            setTriedToRecord(true)
            // A day still being typed or refused above is not sent: the field already says what is wrong.
            if (day && !dayError) record.mutate()
          }}
        >
          <Stack>
            <Select
              label={t('history.channel')}
              data={OBJECTION_CHANNELS.map((value) => ({ value, label: t(`history.channels.${value}`) }))}
              value={channel}
              onChange={(value) => setChannel((value as ObjectionChannel | null) ?? 'phone')}
              allowDeselect={false}
            />
            <DayInput
              label={t('history.day')}
              value={day || undefined}
              onChange={(next) => setDay(next ?? '')}
              error={dayError}
              required
              w={160}
            />
            <Textarea
              label={t('history.note')}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              maxLength={500}
            />
            <SensitiveWordWarning text={note} />
            {record.error && (
              <Alert color="red" role="alert">
                {describeError(t, record.error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={recording.close}>
                {t('history.cancel')}
              </Button>
              <Button type="submit" color="red" loading={record.isPending}>
                {t('history.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <Modal
        opened={isWithdrawing}
        onClose={withdrawing.close}
        title={t('history.withdrawTitle')}
        closeButtonProps={{ 'aria-label': t('history.cancel') }}
      >
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault()
            withdraw.mutate()
          }}
        >
          <Stack>
            <Textarea
              label={t('history.withdrawReason')}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              required
              minLength={5}
              maxLength={500}
            />
            <SensitiveWordWarning text={reason} />
            {withdraw.error && (
              <Alert color="red" role="alert">
                {describeError(t, withdraw.error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={withdrawing.close}>
                {t('history.cancel')}
              </Button>
              <Button type="submit" loading={withdraw.isPending} disabled={reason.trim().length < 5}>
                {t('history.withdrawSave')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Card>
  )
}
