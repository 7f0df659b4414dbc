import { Accordion, Badge, Button, Card, Group, List, Stack, Text, Title } from '@mantine/core'
import { IconPhone } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { formatInstant } from '../../../shared/clock.js'
import { floorLabel, formatPhone } from '../../../shared/french.js'
import { shownWords } from '../../i18n/shown-words.js'
import type { Assignment } from './api.js'

export function HouseholdPanel({
  assignment,
  calledNumber,
  onDial,
}: {
  assignment: Assignment
  calledNumber: string | null
  onDial: (e164: string) => void
}) {
  const { t, i18n } = useTranslation()
  const { household } = assignment
  const kindLabel = (kind: string) =>
    ['mobile', 'landline'].includes(kind) ? t(`calling.household.${kind}`) : t('calling.household.otherPhone')
  const label = (group: string, code: string | null) => {
    if (!code) return ''
    const key = `calling.${group}.${code}`
    const translated = t(key)
    return translated === key ? code : translated
  }
  const floor = household.floor === null ? null : floorLabel(household.floor, i18n.language)
  const lift =
    household.hasLift === null ? null : household.hasLift ? t('calling.household.lift') : t('calling.household.noLift')

  return (
    <Card withBorder component="section" aria-labelledby="household-title">
      <Stack gap="md">
        <div>
          <Title order={3} id="household-title" tabIndex={-1}>
            {household.lastName} {household.firstName}
          </Title>
          <Text size="sm" c="dimmed" mb={6}>
            {t('calling.household.reference', { reference: household.externalRef })} ·{' '}
            {t('calling.household.attempt', { attempt: assignment.attempt })}
          </Text>
          <Text size="sm">{household.address}</Text>
          {(floor || lift) && <Text size="sm">{[floor, lift].filter(Boolean).join(', ')}</Text>}
          {household.fragilityLevel && (
            <Badge mt={6} variant="light" color={household.fragilityLevel === 'none' ? 'gray' : 'orange'}>
              {t('calling.household.knownFragility', { level: label('fragility', household.fragilityLevel) })}
            </Badge>
          )}
        </div>

        <div>
          <Title order={4} mb={6}>
            {t('calling.household.phones')}
          </Title>
          {assignment.phones.length === 0 ? (
            <Text size="sm">{t('calling.household.noPhone')}</Text>
          ) : (
            <Stack gap="xs">
              {assignment.phones.map((phone) => (
                <Group key={phone.e164} gap="sm" wrap="nowrap">
                  <Button
                    component="a"
                    href={`tel:${phone.e164}`}
                    leftSection={<IconPhone size={18} aria-hidden />}
                    size="md"
                    variant={phone.e164 === calledNumber ? 'filled' : 'light'}
                    onClick={() => onDial(phone.e164)}
                    aria-label={t('calling.household.call', {
                      number: formatPhone(phone.e164),
                      kind: kindLabel(phone.kind),
                    })}
                  >
                    {formatPhone(phone.e164)}
                  </Button>
                  <Text size="sm" c="dimmed">
                    {kindLabel(phone.kind)}
                  </Text>
                </Group>
              ))}
            </Stack>
          )}
        </div>

        <div>
          <Title order={4} mb={6}>
            {t('calling.household.occupants')}
          </Title>
          {household.members.length === 0 ? (
            <Text size="sm">{t('calling.household.noOccupant')}</Text>
          ) : (
            <List spacing={4}>
              {household.members.map((member) => (
                <List.Item key={`${member.lastName}-${member.firstName}-${member.age}-${member.isLeaseholder}`}>
                  <Text span fw={600}>
                    {member.firstName} {member.lastName}
                  </Text>
                  {member.age !== null && ` — ${t('calling.household.age', { age: member.age })}`}
                  {member.isLeaseholder && ` (${t('calling.household.leaseholder')})`}
                </List.Item>
              ))}
            </List>
          )}
        </div>

        <div>
          <Title order={4} mb={6}>
            {t('calling.household.earlierCalls')}
          </Title>
          {household.earlierCalls.length === 0 ? (
            <Text size="sm">{t('calling.household.noEarlierCall')}</Text>
          ) : (
            <List spacing={4} size="sm">
              {household.earlierCalls.map((call) => (
                <List.Item key={call.at}>
                  <Text span size="sm" fw={600}>
                    {formatInstant(call.at, i18n.language)}
                  </Text>{' '}
                  — {label('dispositions', call.disposition)}
                  {call.fragilityLevel && ` · ${label('fragility', call.fragilityLevel)}`}
                  <Text span size="sm" c="dimmed">
                    {' '}
                    ({call.campaign})
                  </Text>
                </List.Item>
              ))}
            </List>
          )}
        </div>

        <div>
          <Title order={4} mb={6}>
            {t('calling.household.earlierNotes')}
          </Title>
          {household.earlierNotes.length === 0 ? (
            <Text size="sm">{t('calling.household.noEarlierNote')}</Text>
          ) : (
            <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {household.earlierNotes.map((note) => (
                <li key={`${note.at}-${note.disposition}`}>
                  <Text size="sm">
                    <Text span size="sm" fw={600}>
                      {formatInstant(note.at, i18n.language)}
                    </Text>{' '}
                    — {note.authorRole ? t(`roles.${note.authorRole}`) : t('calling.household.formerMember')} ·{' '}
                    {label('dispositions', note.disposition)}
                  </Text>
                  {note.masked ? (
                    <Text size="sm" fs="italic" c="dimmed">
                      {t('calling.household.maskedNote')}
                    </Text>
                  ) : (
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                      {note.notes}
                    </Text>
                  )}
                </li>
              ))}
            </Stack>
          )}
        </div>
      </Stack>
    </Card>
  )
}

/** The script and FAQ as the caller reads them; the campaign's script editor shows its preview with this too. */
export function ScriptPanel({ assignment }: { assignment: Pick<Assignment, 'script' | 'faq'> }) {
  const { t, i18n } = useTranslation()
  // The script and the FAQ are written in French, whatever the interface's language.
  const shown = (text: string) => shownWords(i18n.language, text)
  return (
    <Card withBorder component="section" aria-labelledby="script-title">
      <Title order={3} id="script-title" mb="xs">
        {t('calling.script.title')}
      </Title>
      <Text style={{ whiteSpace: 'pre-wrap' }} lh={1.6}>
        {shown(assignment.script)}
      </Text>
      {assignment.faq.length > 0 && (
        <>
          <Title order={4} mt="md" mb={6}>
            {t('calling.script.faq')}
          </Title>
          <Accordion variant="separated" order={5} chevronPosition="left">
            {assignment.faq.map((entry, index) => (
              <Accordion.Item key={entry.question} value={String(index)}>
                <Accordion.Control>{shown(entry.question)}</Accordion.Control>
                <Accordion.Panel style={{ whiteSpace: 'pre-wrap' }}>{shown(entry.answer)}</Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        </>
      )}
    </Card>
  )
}
