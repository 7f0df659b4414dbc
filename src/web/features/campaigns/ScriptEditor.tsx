import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Code,
  Fieldset,
  Grid,
  Group,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconArrowDown, IconArrowUp, IconTrash } from '@tabler/icons-react'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { SCRIPT_LIMITS } from '../../../shared/contracts/campaigns.js'
import { organizationsContract } from '../../../shared/contracts/organizations.js'
import { addressedName } from '../../../shared/households.js'
import { fillScript, SCRIPT_PLACEHOLDERS, type ScriptPlaceholder, unknownPlaceholders } from '../../../shared/script.js'
import { call } from '../../api/client.js'
import { useReportUnsaved } from '../../components/UnsavedChanges.js'
import { useSession } from '../auth/session.js'
import { ScriptPanel } from '../calling/HouseholdPanel.js'
import { type Campaign, campaignsApi } from './api.js'
import { DestructiveConfirm, type PendingConfirmation } from './DestructiveConfirm.js'
import { move } from './questionnaireDraft.js'
import { SaveBar } from './SaveBar.js'

const {
  scriptLength: SCRIPT_MAX,
  faqEntries: FAQ_MAX,
  faqQuestionLength: FAQ_QUESTION_MAX,
  faqAnswerLength: FAQ_ANSWER_MAX,
} = SCRIPT_LIMITS

type FaqEntry = Campaign['faq'][number]

/**
 * The script tab: the script with its placeholders offered and explained, the FAQ (add, edit, reorder, remove), and
 * the caller's own panel filled for a fictitious household. One button saves both.
 */
export function ScriptEditor({ campaign, onSaved }: { campaign: Campaign; onSaved: () => void }) {
  const { t } = useTranslation()
  const readOnly = campaign.status === 'closed'
  const [baseline, setBaseline] = useState({ script: campaign.script, faq: campaign.faq })
  const [script, setScript] = useState(campaign.script)
  const [faq, setFaq] = useState<FaqEntry[]>(campaign.faq)
  const [confirming, setConfirming] = useState<PendingConfirmation | null>(null)
  const [justSaved, setJustSaved] = useState(false)
  const textarea = useRef<HTMLTextAreaElement>(null)
  const session = useSession()
  const organizations = useQuery({
    queryKey: ['organizations'],
    queryFn: () => call(organizationsContract.list),
    staleTime: 300_000,
  })

  const dirty = script !== baseline.script || JSON.stringify(faq) !== JSON.stringify(baseline.faq)
  useReportUnsaved(dirty && !readOnly)
  const unknown = unknownPlaceholders(script)
  const faqIncomplete = faq.some((entry) => !entry.question.trim() || !entry.answer.trim())

  const sample = useMemo(() => {
    const prenom = t('builder.script.sample.prenom')
    const nom = t('builder.script.sample.nom')
    const organization = organizations.data?.items.find((o) => o.code === campaign.organization)
    const values: Record<ScriptPlaceholder, string> = {
      prenom,
      nom,
      // The sample tenant is a woman whose file gives her civility.
      civilite_nom: addressedName({ civility: 'Mme', firstName: prenom, lastName: nom }),
      agence: t('builder.script.sample.agence'),
      bailleur: organization?.name ?? campaign.organization,
      appelant: session.data?.name ?? t('builder.script.sample.appelant'),
      campagne: campaign.name,
    }
    return values
  }, [t, organizations.data, session.data, campaign.organization, campaign.name])

  const save = useMutation({
    mutationFn: () => campaignsApi.update(campaign.id, { script, faq }),
    onSuccess: ({ campaign: saved }) => {
      setBaseline({ script: saved.script, faq: saved.faq })
      setJustSaved(true)
      notifications.show({ color: 'teal', message: t('builder.script.saved') })
      onSaved()
    },
  })

  const edit =
    <T,>(setter: (value: T) => void) =>
    (value: T) => {
      setJustSaved(false)
      setter(value)
    }
  const editScript = edit(setScript)
  const editFaq = edit(setFaq)

  const insert = (name: ScriptPlaceholder) => {
    const token = `{{${name}}}`
    const element = textarea.current
    const start = element?.selectionStart ?? script.length
    const end = element?.selectionEnd ?? script.length
    const next = `${script.slice(0, start)}${token}${script.slice(end)}`
    if (next.length > SCRIPT_MAX) return
    editScript(next)
    // Back in the text, just after what was inserted, so that typing goes on from there.
    requestAnimationFrame(() => {
      element?.focus()
      element?.setSelectionRange(start + token.length, start + token.length)
    })
  }

  const setEntry = (index: number, change: Partial<FaqEntry>) =>
    editFaq(faq.map((entry, i) => (i === index ? { ...entry, ...change } : entry)))

  return (
    <Stack>
      {readOnly && <Alert color="gray">{t('builder.readOnly')}</Alert>}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Fieldset
            variant="unstyled"
            disabled={readOnly}
            miw={0}
            legend={
              <Title order={3} size="h4">
                {t('builder.script.title')}
              </Title>
            }
          >
            <Stack>
              <Textarea
                ref={textarea}
                label={t('builder.script.text')}
                description={t('builder.script.help')}
                value={script}
                onChange={(event) => editScript(event.currentTarget.value)}
                maxLength={SCRIPT_MAX}
                autosize
                minRows={5}
                maxRows={16}
                error={
                  unknown.length
                    ? t('builder.script.unknown', {
                        count: unknown.length,
                        names: unknown.map((n) => `{{${n}}}`).join(', '),
                      })
                    : undefined
                }
              />
              <Card withBorder padding="sm" component="section" aria-labelledby="script-placeholders-title">
                <Title order={4} size="h5" id="script-placeholders-title">
                  {t('builder.script.placeholders')}
                </Title>
                <Text size="sm" c="dimmed" mb="xs">
                  {t('builder.script.placeholdersHelp')}
                </Text>
                <Table verticalSpacing={4}>
                  <Table.Tbody>
                    {SCRIPT_PLACEHOLDERS.map((name) => (
                      <Table.Tr key={name}>
                        <Table.Td>
                          <Button
                            variant="light"
                            color="indigo"
                            size="compact-sm"
                            onClick={() => insert(name)}
                            aria-label={t('builder.script.insert', { placeholder: `{{${name}}}` })}
                          >
                            <Code bg="transparent" c="inherit">{`{{${name}}}`}</Code>
                          </Button>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{t(`builder.script.explain.${name}`)}</Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Card>
              <Title order={3} size="h4" mt="md" id="faq-title">
                {t('builder.faq.title')}
              </Title>
              <Text size="sm" c="dimmed">
                {t('builder.faq.help')}
              </Text>
              {faq.length === 0 && <Text size="sm">{t('builder.faq.empty')}</Text>}
              {faq.map((entry, index) => {
                const name = t('builder.faq.entry', { index: index + 1 })
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id; their text is what is being edited
                  <Card key={index} withBorder padding="sm" component="section" aria-label={name}>
                    <Stack gap="xs">
                      <Group justify="space-between" wrap="nowrap">
                        <Text fw={700}>{name}</Text>
                        <Group gap={4} wrap="nowrap">
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            aria-label={`${t('builder.moveUp')} : ${name}`}
                            disabled={index === 0}
                            onClick={() => editFaq(move(faq, index, -1))}
                          >
                            <IconArrowUp size={18} />
                          </ActionIcon>
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            aria-label={`${t('builder.moveDown')} : ${name}`}
                            disabled={index === faq.length - 1}
                            onClick={() => editFaq(move(faq, index, 1))}
                          >
                            <IconArrowDown size={18} />
                          </ActionIcon>
                          <Button
                            variant="subtle"
                            color="red"
                            size="compact-sm"
                            leftSection={<IconTrash size={16} />}
                            aria-label={`${t('builder.faq.remove')} : ${name}`}
                            onClick={() =>
                              setConfirming({
                                title: t('builder.faq.removeTitle', { question: entry.question || name }),
                                text: t('builder.faq.removeText'),
                                confirm: t('builder.faq.remove'),
                                onConfirm: () => editFaq(faq.filter((_, i) => i !== index)),
                              })
                            }
                          >
                            {t('builder.faq.remove')}
                          </Button>
                        </Group>
                      </Group>
                      <TextInput
                        label={t('builder.faq.question')}
                        value={entry.question}
                        maxLength={FAQ_QUESTION_MAX}
                        withAsterisk
                        error={entry.question.trim() ? undefined : t('builder.faq.required')}
                        onChange={(event) => setEntry(index, { question: event.currentTarget.value })}
                      />
                      <Textarea
                        label={t('builder.faq.answer')}
                        value={entry.answer}
                        maxLength={FAQ_ANSWER_MAX}
                        withAsterisk
                        autosize
                        minRows={2}
                        error={entry.answer.trim() ? undefined : t('builder.faq.required')}
                        onChange={(event) => setEntry(index, { answer: event.currentTarget.value })}
                      />
                    </Stack>
                  </Card>
                )
              })}
              <Group>
                <Button
                  variant="default"
                  disabled={faq.length >= FAQ_MAX}
                  onClick={() => editFaq([...faq, { question: '', answer: '' }])}
                >
                  {t('builder.faq.add')}
                </Button>
              </Group>
            </Stack>
          </Fieldset>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="xs" pos="sticky" top={16}>
            <Title order={3} size="h4">
              {t('builder.script.preview')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('builder.script.previewHelp', { household: `${sample.prenom} ${sample.nom}, ${sample.agence}` })}
            </Text>
            <div data-testid="script-preview">
              <ScriptPanel
                assignment={{
                  script: fillScript(script, sample),
                  faq: faq.filter((entry) => entry.question.trim() && entry.answer.trim()),
                }}
              />
            </div>
          </Stack>
        </Grid.Col>
      </Grid>
      {!readOnly && (
        <SaveBar
          label={t('builder.script.save')}
          dirty={dirty}
          blocked={unknown.length > 0 || faqIncomplete}
          pending={save.isPending}
          error={save.error}
          savedMessage={justSaved ? t('builder.script.saved') : null}
          onSave={() => save.mutate()}
          onDiscard={() => {
            setScript(baseline.script)
            setFaq(baseline.faq)
          }}
          confirm={setConfirming}
        />
      )}
      <DestructiveConfirm pending={confirming} onClose={() => setConfirming(null)} />
    </Stack>
  )
}
