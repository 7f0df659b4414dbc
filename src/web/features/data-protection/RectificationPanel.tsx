import {
  Alert,
  Button,
  Card,
  Group,
  List,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { TFunction } from 'i18next'
import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Static } from 'typebox'
import { formatDay, parisToday } from '../../../shared/clock.js'
import {
  dataProtectionContract,
  type RectifiableField as Field,
  NOTHING_TO_RECTIFY,
  RECTIFIABLE_FIELDS,
  type RectificationSchema,
} from '../../../shared/contracts/data-protection.js'
import type { HouseholdDetail } from '../../../shared/contracts/households.js'
import { CIVILITIES } from '../../../shared/households.js'
import { localeOf } from '../../../shared/labels.js'
import { ApiError, call } from '../../api/client.js'
import { DayInput } from '../../components/DayInput.js'
import { describeError, serverFieldIssues } from '../../components/errors.js'
import { noCommuneOf } from '../imports/explain.js'
import { rectifiedFieldsSentence } from './rectified-fields.js'

type Values = Record<Field, string>

/** What the household holds now, as the form's texts ('' for nothing). */
function valuesOf(household: HouseholdDetail): Values {
  return {
    civility: household.civility ?? '',
    lastName: household.lastName,
    firstName: household.firstName ?? '',
    birthDate: household.birthDate ?? '',
    email: household.email ?? '',
    addressLine1: household.address.line1 ?? '',
    addressLine2: household.address.line2 ?? '',
    postcode: household.address.postcode ?? '',
    city: household.address.city ?? '',
  }
}

/** The fields whose text changed (trimmed; an emptied field becomes null), as the route takes them. */
function changesOf(before: Values, after: Values): Partial<Record<Field, string | null>> {
  const changes: Partial<Record<Field, string | null>> = {}
  for (const field of RECTIFIABLE_FIELDS) {
    const next = after[field].trim()
    if (next !== before[field].trim()) changes[field] = next === '' ? null : next
  }
  return changes
}

/**
 * Rectification at the tenant's request (GDPR art. 16), on the household's page, for its managers and administrators:
 * the identity and address fields prefilled, then the changes read back (old → new) before anything is written,
 * because the old values are replaced everywhere and cannot be brought back. Opened from an open request of the
 * register (`?request=`), it answers that request; otherwise one is registered and closed with it.
 */
export function RectificationPanel({
  household,
  requestId,
  onAnswered,
}: {
  household: HouseholdDetail
  requestId?: string
  /** The request named has been answered (closed): the page forgets it, a next rectification registers its own. */
  onAnswered?: () => void
}) {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  const queryClient = useQueryClient()
  const [isOpen, dialog] = useDisclosure(Boolean(requestId))
  const [values, setValues] = useState<Values>(() => valuesOf(household))
  const [birthText, setBirthText] = useState<'empty' | 'whole' | 'partial'>('whole')
  const [isConfirming, setConfirming] = useState(false)
  const before = valuesOf(household)
  const changes = changesOf(before, values)
  const changed = Object.keys(changes) as Field[]
  const label = (field: Field) => t(`dataProtection.rectification.fields.${field}`)
  const labels = (fields: readonly Field[]) => rectifiedFieldsSentence(t, i18n.language, fields)
  const shown = (field: Field, value: string | null | undefined) =>
    !value
      ? t('dataProtection.rectification.none')
      : field === 'birthDate'
        ? formatDay(value, locale)
        : field === 'civility'
          ? t(`households.civilities.${value}`)
          : value
  const birthError =
    values.birthDate && values.birthDate > parisToday() ? t('dataProtection.rectification.birthFuture') : undefined
  const problem = !values.lastName.trim()
    ? t('dataProtection.rectification.lastNameRequired')
    : birthText === 'partial' || birthError
      ? t('dataProtection.rectification.birthInvalid')
      : changed.length === 0
        ? t('dataProtection.rectification.nothingChanged')
        : null
  const rectify = useMutation({
    mutationFn: () =>
      call(dataProtectionContract.rectify, {
        params: { id: household.id },
        // The civility comes from the list of CIVILITIES and a name is never sent empty (checked above): the shape
        // the route takes.
        body: {
          ...(requestId ? { requestId } : {}),
          changes: changes as Static<typeof RectificationSchema>['changes'],
        },
      }),
    onSuccess: async (result) => {
      notifications.show({
        color: 'teal',
        message: t('dataProtection.rectification.done', { fields: labels(result.fields as Field[]) }),
      })
      // A stored field left as it was although malformed (a postcode from the landlord's file): said, to rectify too.
      for (const { field, value } of result.malformed) {
        notifications.show({
          color: 'orange',
          autoClose: false,
          message: t('dataProtection.rectification.storedMalformed', { field: label(field), value }),
        })
      }
      setConfirming(false)
      dialog.close()
      if (requestId) onAnswered?.()
      await queryClient.invalidateQueries({ queryKey: ['household', household.id] })
      await queryClient.invalidateQueries({ queryKey: ['data-requests'] })
      await queryClient.invalidateQueries({ queryKey: ['home'] })
    },
  })
  const open = () => {
    setValues(valuesOf(household))
    setBirthText('whole')
    setConfirming(false)
    rectify.reset()
    dialog.open()
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!problem) setConfirming(true)
  }
  // The server names the field it refused (`changes.lastName`): said with the field's label, and on the field itself
  // back in the form, until the form is edited (a town and a postcode are refused together: either may be the fix).
  const refusedField =
    rectify.error instanceof ApiError
      ? (serverFieldIssues(rectify.error.details)[0]?.field.replace(/^changes\./, '') ?? '')
      : ''
  const refusalText = rectify.error ? refusalInWords(t, rectify.error) : undefined
  const refusal = rectify.error ? (refusalText ?? describeError(t, rectify.error)) : undefined
  const field = (name: Field) => ({
    label: label(name),
    value: values[name],
    error: name === refusedField ? refusal : undefined,
    onChange: (event: { currentTarget: { value: string } }) => {
      if (rectify.error) rectify.reset()
      setValues({ ...values, [name]: event.currentTarget.value })
    },
  })
  return (
    <Card withBorder component="section" aria-labelledby="household-rectification">
      <Title order={3} size="h4" mb="xs" id="household-rectification">
        {t('dataProtection.rectification.title')}
      </Title>
      <Text size="sm" mb="sm">
        {t('dataProtection.rectification.intro')}
      </Text>
      {household.rectifiedFields.length > 0 && (
        <Text size="sm" mb="sm">
          {t('dataProtection.rectification.kept', {
            count: household.rectifiedFields.length,
            fields: labels(household.rectifiedFields),
          })}
        </Text>
      )}
      <Group>
        <Button variant="light" onClick={open}>
          {t('dataProtection.rectification.open')}
        </Button>
      </Group>
      <Modal
        opened={isOpen}
        onClose={dialog.close}
        size="lg"
        title={t('dataProtection.rectification.dialogTitle', { ref: household.externalRef })}
        closeButtonProps={{ 'aria-label': t('dataProtection.rectification.cancel') }}
      >
        <Text size="sm" mb="sm">
          {requestId ? t('dataProtection.rectification.answersRequest') : t('dataProtection.rectification.newRequest')}
        </Text>
        {!isConfirming ? (
          <form noValidate onSubmit={submit}>
            <Stack gap="sm">
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <Select
                  label={label('civility')}
                  data={[
                    { value: '', label: t('dataProtection.rectification.none') },
                    ...CIVILITIES.map((value) => ({ value, label: t(`households.civilities.${value}`) })),
                  ]}
                  value={values.civility}
                  onChange={(value) => setValues({ ...values, civility: value ?? '' })}
                  allowDeselect={false}
                />
                <DayInput
                  label={label('birthDate')}
                  value={values.birthDate || undefined}
                  onChange={(day) => setValues({ ...values, birthDate: day ?? '' })}
                  onTextState={setBirthText}
                  error={birthError}
                  w={180}
                />
                <TextInput {...field('lastName')} required maxLength={200} />
                <TextInput {...field('firstName')} maxLength={200} />
                <TextInput {...field('addressLine1')} maxLength={300} />
                <TextInput {...field('addressLine2')} maxLength={300} />
                <TextInput {...field('postcode')} maxLength={10} inputMode="numeric" />
                <TextInput {...field('city')} maxLength={200} />
                <TextInput {...field('email')} type="email" maxLength={254} />
              </SimpleGrid>
              {problem && changed.length > 0 && (
                <Text size="sm" c="red.8" role="alert">
                  {problem}
                </Text>
              )}
              <Group justify="flex-end">
                <Button variant="default" onClick={dialog.close}>
                  {t('dataProtection.rectification.cancel')}
                </Button>
                <Button type="submit" disabled={Boolean(problem)}>
                  {t('dataProtection.rectification.review', { count: changed.length })}
                </Button>
              </Group>
            </Stack>
          </form>
        ) : (
          <Stack gap="sm">
            <Text fw={500}>{t('dataProtection.rectification.confirmIntro', { count: changed.length })}</Text>
            <List>
              {changed.map((name) => (
                <List.Item key={name}>
                  {t('dataProtection.rectification.change', {
                    field: label(name),
                    before: shown(name, before[name]),
                    after: shown(name, changes[name]),
                  })}
                </List.Item>
              ))}
            </List>
            <Alert color="orange">{t('dataProtection.rectification.warning')}</Alert>
            {rectify.error && (
              <Alert color="red" role="alert">
                {refusal}
                {!refusalText &&
                  (RECTIFIABLE_FIELDS as readonly string[]).includes(refusedField) &&
                  ` (${label(refusedField as Field)})`}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(false)}>
                {t('dataProtection.rectification.back')}
              </Button>
              <Button color="red.8" onClick={() => rectify.mutate()} loading={rectify.isPending}>
                {t('dataProtection.rectification.confirm', { count: changed.length })}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Card>
  )
}

/**
 * The server's refusals of the rectification itself, in words: nothing to rectify (typed differently, stored the
 * same: a town spelt as the official list spells it), a postcode and town that do not go together (as the import
 * checks them).
 */
function refusalInWords(t: TFunction, error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined
  if ((error.details as { reason?: unknown } | undefined)?.reason === NOTHING_TO_RECTIFY) {
    return t('dataProtection.rectification.nothingToRectify')
  }
  if (error.code !== 'VALIDATION_FAILED') return undefined
  const commune = noCommuneOf(error.message)
  if (commune) return t('dataProtection.rectification.noCommune', commune)
  if (/^not a postcode/.test(error.message)) return t('dataProtection.rectification.notPostcode')
  return undefined
}
