import { TextInput } from '@mantine/core'
import { type ReactNode, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { frenchToIsoDate, isoToFrenchDate } from '../features/campaigns/targeting-tree.js'
import { dayTextProblem } from './day-time.js'

/**
 * A day typed the French way (jj/mm/aaaa), handed on as YYYY-MM-DD once whole (undefined while empty or incomplete).
 * The text follows `value` when it changes from outside (filters cleared).
 */
export function DayInput({
  label,
  value,
  onChange,
  required,
  withAsterisk,
  description,
  error,
  onTextState,
  w = 130,
}: {
  label: string
  value: string | undefined
  onChange: (day: string | undefined) => void
  required?: boolean
  withAsterisk?: boolean
  description?: ReactNode
  /** The caller's own complaint (a period the wrong way round), shown when the text itself is a whole date. */
  error?: ReactNode
  /** Whether the text is empty, a whole day, or typed but not (yet) one: `value` is undefined for both of the last. */
  onTextState?: (state: 'empty' | 'whole' | 'partial') => void
  w?: number
}) {
  const { t } = useTranslation()
  const [text, setText] = useState(value ? isoToFrenchDate(value) : '')
  useEffect(() => {
    setText((current) =>
      (frenchToIsoDate(current) ?? undefined) === value ? current : value ? isoToFrenchDate(value) : '',
    )
  }, [value])
  const problem = dayTextProblem(text)
  return (
    <TextInput
      label={label}
      description={description}
      placeholder={t('dayInput.placeholder')}
      value={text}
      required={required}
      withAsterisk={withAsterisk}
      inputMode="numeric"
      autoComplete="off"
      error={problem ? t(`dayInput.${problem}`) : error}
      onChange={(event) => {
        const next = event.currentTarget.value
        setText(next)
        const day = frenchToIsoDate(next) ?? undefined
        onTextState?.(!next.trim() ? 'empty' : day ? 'whole' : 'partial')
        onChange(day)
      }}
      w={w}
    />
  )
}
