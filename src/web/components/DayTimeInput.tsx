import { Fieldset, Group, Input, TextInput } from '@mantine/core'
import { type ReactNode, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { DayInput } from './DayInput.js'
import { frenchToTime, joinDayTime, splitDayTime } from './day-time.js'

/**
 * A moment typed the French way: a day jj/mm/aaaa and a time « 14:30 » or « 14 h 30 », handed on as
 * "YYYY-MM-DDTHH:mm" once both are whole (undefined otherwise). The browser's own date-time picker is not used: it
 * speaks the browser's language (mm/dd/yyyy, AM/PM) whatever the interface's.
 */
export function DayTimeInput({
  label,
  description,
  value,
  onChange,
  withAsterisk,
  error,
}: {
  /** The legend of the pair: what the moment is, and in which time zone. */
  label: string
  description?: ReactNode
  value: string | undefined
  onChange: (moment: string | undefined) => void
  withAsterisk?: boolean
  /** The caller's own complaint about a whole moment (already passed, too far). */
  error?: ReactNode
}) {
  const { t } = useTranslation()
  const [parts, setParts] = useState(() => {
    const { day, time } = splitDayTime(value)
    return { day, timeText: time ?? '' }
  })
  // Follows `value` when it changes from outside (a draft restored, a form reset), not while the caller types.
  useEffect(() => {
    setParts((current) => {
      if (joinDayTime(current.day, frenchToTime(current.timeText)) === (value || undefined)) return current
      const { day, time } = splitDayTime(value)
      return { day, timeText: time ?? '' }
    })
  }, [value])
  const change = (next: { day: string | undefined; timeText: string }) => {
    setParts(next)
    onChange(joinDayTime(next.day, frenchToTime(next.timeText)))
  }
  const timeInvalid = parts.timeText.trim() !== '' && !frenchToTime(parts.timeText)
  return (
    <Fieldset
      variant="unstyled"
      legend={
        <Input.Label component="span" required={withAsterisk}>
          {label}
        </Input.Label>
      }
    >
      {description && <Input.Description>{description}</Input.Description>}
      <Group align="flex-start" gap="sm" mt={4} wrap="nowrap">
        <DayInput label={t('dayTimeInput.day')} value={parts.day} onChange={(day) => change({ ...parts, day })} />
        <TextInput
          label={t('dayTimeInput.time')}
          placeholder={t('dayTimeInput.timePlaceholder')}
          value={parts.timeText}
          autoComplete="off"
          error={timeInvalid ? t('dayTimeInput.timeInvalid') : undefined}
          onChange={(event) => change({ ...parts, timeText: event.currentTarget.value })}
          w={130}
        />
      </Group>
      {error && <Input.Error mt={6}>{error}</Input.Error>}
    </Fieldset>
  )
}
