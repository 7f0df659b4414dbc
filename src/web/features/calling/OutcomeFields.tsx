import { Badge, Box, Card, Checkbox, Group, Radio, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { FRAGILITY_LEVELS, NEED_CATEGORIES, type NeedCategory } from '../../../shared/campaigns.js'
import { isoToParisLocal } from '../../../shared/clock.js'
import { formatPhone } from '../../../shared/french.js'
import { DayTimeInput } from '../../components/DayTimeInput.js'
import { SensitiveWordWarning } from '../../components/SensitiveWordWarning.js'
import type { Assignment } from './api.js'
import { DISPOSITION_GROUPS, ERROR_TEXT_VALUES, latestCallback, type OutcomeForm, toggleNeed } from './outcome.js'
import { fieldId } from './QuestionnaireFields.js'

/**
 * The outcome of the call: disposition, number called, callback time, objection, needs and fragility (for a
 * completed call), notes. `update` changes the form and clears the errors of the fields it names.
 */
export function OutcomeFields({
  assignment,
  form,
  errors,
  suggested,
  ticked,
  update,
}: {
  assignment: Assignment
  form: OutcomeForm
  errors: Record<string, string>
  /** Needs the answers suggest, and the needs ticked (suggestions not unticked included). */
  suggested: NeedCategory[]
  ticked: NeedCategory[]
  update: (change: Partial<OutcomeForm>, clears?: string[]) => void
}) {
  const { t } = useTranslation()
  const disposition = form.disposition
  const minCallback = isoToParisLocal(new Date())
  const maxCallback = isoToParisLocal(latestCallback(new Date()))

  return (
    <Card withBorder component="section" aria-labelledby="outcome-title">
      <Stack gap="md">
        <Title order={3} id="outcome-title">
          {t('calling.outcome.title')}
        </Title>
        <Box id={fieldId('disposition')}>
          <Radio.Group
            label={t('calling.outcome.legend')}
            withAsterisk
            value={disposition}
            error={errors.disposition}
            onChange={(value) => update({ disposition: value as OutcomeForm['disposition'] }, ['disposition'])}
          >
            <SimpleGrid cols={{ base: 1, xs: 3 }} mt="xs" spacing="md">
              {DISPOSITION_GROUPS.map((group) => (
                <Stack key={group.key} gap={8}>
                  <Text size="sm" fw={700} aria-hidden>
                    {t(`calling.outcome.groups.${group.key}`)}
                  </Text>
                  {group.dispositions.map((code) => (
                    <Radio key={code} value={code} label={t(`calling.dispositions.${code}`)} />
                  ))}
                </Stack>
              ))}
            </SimpleGrid>
          </Radio.Group>
        </Box>

        {assignment.phones.length > 1 && (
          <Radio.Group
            label={t('calling.household.calledNumber')}
            value={form.phoneE164}
            onChange={(value) => update({ phoneE164: value })}
          >
            <Group gap="lg" mt={6}>
              {assignment.phones.map((phone) => (
                <Radio key={phone.e164} value={phone.e164} label={formatPhone(phone.e164)} />
              ))}
            </Group>
          </Radio.Group>
        )}

        {disposition === 'callback' && (
          <Stack gap="sm">
            <Box id={fieldId('callbackAt')}>
              <DayTimeInput
                label={t('calling.outcome.callbackAt')}
                description={t('calling.outcome.callbackHelp')}
                withAsterisk
                value={form.callbackLocal || undefined}
                error={
                  errors.callbackAt ??
                  // Said as soon as the moment is whole, not only on saving: « 14 h 30 » today may already be past.
                  (form.callbackLocal && form.callbackLocal <= minCallback
                    ? t('calling.errors.callbackInPast', ERROR_TEXT_VALUES)
                    : form.callbackLocal > maxCallback
                      ? t('calling.errors.callbackTooFar', ERROR_TEXT_VALUES)
                      : undefined)
                }
                onChange={(moment) => update({ callbackLocal: moment ?? '' }, ['callbackAt'])}
              />
            </Box>
            <Checkbox
              label={t('calling.outcome.sameCaller')}
              description={t('calling.outcome.sameCallerHelp')}
              checked={form.sameCallerForCallback}
              onChange={(event) => update({ sameCallerForCallback: event.currentTarget.checked })}
            />
          </Stack>
        )}

        {disposition === 'refused' && (
          <Checkbox
            label={t('calling.outcome.objection')}
            description={t('calling.outcome.objectionHelp')}
            checked={form.objection}
            onChange={(event) => update({ objection: event.currentTarget.checked })}
          />
        )}

        {disposition === 'completed' && (
          <>
            <Checkbox.Group
              label={t('calling.outcome.needs')}
              description={suggested.length ? t('calling.outcome.needsHelp') : undefined}
              value={ticked}
              onChange={() => undefined}
            >
              <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing={8}>
                {NEED_CATEGORIES.map((need) => (
                  <Checkbox
                    key={need}
                    value={need}
                    onChange={(event) => update(toggleNeed(form, need, event.currentTarget.checked))}
                    label={
                      <>
                        {t(`calling.needs.${need}`)}
                        {suggested.includes(need) && (
                          <Badge component="span" ml={6} size="sm" variant="light" color="blue" tt="none">
                            {t('calling.outcome.suggested')}
                          </Badge>
                        )}
                      </>
                    }
                  />
                ))}
              </SimpleGrid>
            </Checkbox.Group>

            <Radio.Group
              label={t('calling.outcome.fragility')}
              description={
                assignment.household.fragilityLevel
                  ? t('calling.outcome.fragilityKnown', {
                      level: t(`calling.fragility.${assignment.household.fragilityLevel}`),
                    })
                  : undefined
              }
              value={form.fragilityLevel}
              onChange={(value) => update({ fragilityLevel: value as OutcomeForm['fragilityLevel'] })}
            >
              <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing={8}>
                {FRAGILITY_LEVELS.map((level) => (
                  <Radio key={level} value={level} label={t(`calling.fragility.${level}`)} />
                ))}
              </SimpleGrid>
            </Radio.Group>
          </>
        )}

        <Box id={fieldId('notes')}>
          <Textarea
            label={t('calling.outcome.notes')}
            description={
              <>
                <IconAlertTriangle size={14} aria-hidden style={{ verticalAlign: '-2px', marginRight: 4 }} />
                {t('calling.outcome.notesReminder')}
              </>
            }
            styles={{
              description: {
                color: 'var(--mantine-color-text)',
                background: 'var(--mantine-color-yellow-0)',
                borderLeft: '3px solid var(--mantine-color-yellow-6)',
                padding: '6px 8px',
                fontSize: 'var(--mantine-font-size-sm)',
                marginBottom: 6,
              },
            }}
            inputWrapperOrder={['label', 'description', 'input', 'error']}
            autosize
            minRows={3}
            maxLength={4000}
            value={form.notes}
            error={errors.notes}
            onChange={(event) => update({ notes: event.currentTarget.value }, ['notes'])}
          />
          <SensitiveWordWarning text={form.notes} id={fieldId('notes-sensitive')} />
        </Box>
      </Stack>
    </Card>
  )
}
