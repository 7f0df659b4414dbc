import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Fieldset,
  Grid,
  Group,
  List,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconArrowDown, IconArrowUp, IconTrash } from '@tabler/icons-react'
import { useMutation } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { INSTRUMENT_CODES, type InstrumentCode } from '../../../shared/instruments/types.js'
import {
  checkQuestionnaire,
  type DefinitionIssue,
  isInstrumentSection,
  QUESTIONNAIRE_LIMITS,
  type QuestionnaireDefinition,
  type QuestionSection,
} from '../../../shared/questionnaire.js'
import { useReportUnsaved } from '../../components/UnsavedChanges.js'
import { instrumentDefinition } from '../calling/outcome.js'
import { QuestionnaireFields } from '../calling/QuestionnaireFields.js'
import { type Campaign, campaignsApi } from './api.js'
import { DestructiveConfirm, type PendingConfirmation } from './DestructiveConfirm.js'
import { QuestionEditor } from './QuestionEditor.js'
import {
  addInstrument,
  addQuestion,
  addSection,
  canAddQuestion,
  conditionSources,
  moveQuestion,
  moveSection,
  questionCount,
  removeQuestion,
  removeSection,
  updateQuestion,
  updateSection,
} from './questionnaireDraft.js'
import { RulesEditor } from './RulesEditor.js'
import { SaveBar } from './SaveBar.js'

const L = QUESTIONNAIRE_LIMITS
const EMPTY: QuestionnaireDefinition = { sections: [] }
const SECTION_PATH = /^sections\[(\d+)\](?:\.questions\[(\d+)\])?(?:\.(.*))?$/

/** A problem in the builder's words, placed on its field: `{ "0": { title }, "0.2": { label, "options[1].label" } }`. */
function placeIssues(issues: DefinitionIssue[], t: (key: string, options?: Record<string, unknown>) => string) {
  const byField: Record<string, Record<string, string>> = {}
  const listed: { where: string; message: string }[] = []
  for (const issue of issues) {
    const match = SECTION_PATH.exec(issue.path)
    let message = issue.message
    const field = match?.[3] ?? ''
    if (issue.message === 'a label is required') {
      message = t(
        field.startsWith('options')
          ? 'builder.questionnaire.issues.optionLabelRequired'
          : 'builder.questionnaire.issues.labelRequired',
      )
    } else if (issue.message === 'a title is required') message = t('builder.questionnaire.issues.titleRequired')
    else if (issue.message.endsWith('is not an earlier question'))
      message = t('builder.questionnaire.issues.conditionOrder')
    else if (issue.message === 'the maximum is below the minimum')
      message = t('builder.questionnaire.issues.maxBelowMin')
    else if (issue.message === 'give at least one value') message = t('builder.questionnaire.issues.conditionValues')
    if (!match) {
      listed.push({ where: '', message })
      continue
    }
    const section = Number(match[1])
    const question = match[2] === undefined ? undefined : Number(match[2])
    const key = question === undefined ? String(section) : `${section}.${question}`
    const fieldKey = field.startsWith('showIf') ? 'showIf' : field
    byField[key] = { ...byField[key], [fieldKey]: message }
    listed.push({
      where:
        question === undefined
          ? t('builder.questionnaire.where.section', { section: section + 1 })
          : t('builder.questionnaire.where.question', { section: section + 1, question: question + 1 }),
      message,
    })
  }
  return { byField, listed }
}

/**
 * The questionnaire tab: sections of questions and validated instruments on the left, the caller's own form on the
 * right (answering it tries the conditions), one button that saves a new version.
 */
export function QuestionnaireBuilder({ campaign, onSaved }: { campaign: Campaign; onSaved: () => void }) {
  const { t, i18n } = useTranslation()
  const isEnglish = i18n.language === 'en'
  const readOnly = campaign.status === 'closed'
  const [baseline, setBaseline] = useState<QuestionnaireDefinition>(campaign.questionnaire?.definition ?? EMPTY)
  const [draft, setDraft] = useState<QuestionnaireDefinition>(baseline)
  const [savedVersion, setSavedVersion] = useState<number | null>(null)
  const [answers, setAnswers] = useState<Record<string, unknown>>({})
  const [confirming, setConfirming] = useState<PendingConfirmation | null>(null)
  const [instrument, setInstrument] = useState<string | null>(null)
  const version = savedVersion ?? campaign.questionnaire?.version ?? null

  const dirty = useMemo(() => JSON.stringify(draft) !== JSON.stringify(baseline), [draft, baseline])
  useReportUnsaved(dirty && !readOnly)
  const issues = useMemo(() => checkQuestionnaire(draft), [draft])
  const { byField, listed } = placeIssues(issues, t)
  const change = setDraft

  const save = useMutation({
    mutationFn: () => campaignsApi.update(campaign.id, { questionnaire: draft }),
    onSuccess: ({ campaign: saved }) => {
      const number = saved.questionnaire?.version ?? 0
      setBaseline(draft)
      setSavedVersion(number)
      notifications.show({ color: 'teal', message: t('builder.questionnaire.saved', { version: number }) })
      onSaved()
    },
  })

  const present = new Set(draft.sections.filter(isInstrumentSection).map((s) => s.instrument))
  const available = INSTRUMENT_CODES.filter((code) => !present.has(code))
  const total = questionCount(draft)
  const atSectionLimit = draft.sections.length >= L.sections

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          {version !== null && (
            <Text fw={600} data-testid="questionnaire-version">
              {t('builder.questionnaire.version', { version })}
            </Text>
          )}
          <Text size="sm" c="dimmed" maw={640}>
            {t('builder.questionnaire.versionHelp')}
          </Text>
        </Stack>
        <Text size="sm">
          {t('builder.questionnaire.counts', { sections: draft.sections.length, questions: total, max: L.questions })}
        </Text>
      </Group>
      {readOnly && <Alert color="gray">{t('builder.readOnly')}</Alert>}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Fieldset
            variant="unstyled"
            disabled={readOnly}
            miw={0}
            legend={
              <Title order={3} size="h4">
                {t('builder.questionnaire.editor')}
              </Title>
            }
          >
            <Stack>
              {draft.sections.map((section, sectionIndex) => {
                const sectionName = t('builder.questionnaire.section', { index: sectionIndex + 1 })
                const moves = (
                  <Group gap={4} wrap="nowrap">
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      aria-label={`${t('builder.moveUp')} : ${sectionName}`}
                      disabled={sectionIndex === 0}
                      onClick={() => change(moveSection(draft, sectionIndex, -1))}
                    >
                      <IconArrowUp size={18} />
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      aria-label={`${t('builder.moveDown')} : ${sectionName}`}
                      disabled={sectionIndex === draft.sections.length - 1}
                      onClick={() => change(moveSection(draft, sectionIndex, 1))}
                    >
                      <IconArrowDown size={18} />
                    </ActionIcon>
                  </Group>
                )
                if (isInstrumentSection(section)) {
                  const definition = instrumentDefinition(section.instrument)
                  const name = definition.name[isEnglish ? 'en' : 'fr']
                  return (
                    <Card
                      key={section.id}
                      withBorder
                      bg="gray.0"
                      component="section"
                      aria-label={`${sectionName} — ${name}`}
                    >
                      <Group justify="space-between" wrap="nowrap" align="flex-start">
                        <Stack gap={4}>
                          <Group gap="xs">
                            <Text fw={700}>{sectionName}</Text>
                            <Badge variant="outline" color="teal.9">
                              {t('builder.questionnaire.instrumentBlock')}
                            </Badge>
                          </Group>
                          <Text fw={600}>{name}</Text>
                          <Text size="sm">{definition.description[isEnglish ? 'en' : 'fr']}</Text>
                          <Text size="sm" c="dimmed">
                            {t('builder.questionnaire.instrumentItems', {
                              count: definition.items.length,
                              cutOff: definition.cutOff[isEnglish ? 'en' : 'fr'],
                            })}
                          </Text>
                        </Stack>
                        <Stack gap={4} align="flex-end">
                          {moves}
                          <Button
                            variant="subtle"
                            color="red"
                            size="compact-sm"
                            leftSection={<IconTrash size={16} />}
                            onClick={() =>
                              setConfirming({
                                title: t('builder.questionnaire.removeInstrumentTitle', { name }),
                                text: t('builder.questionnaire.removeInstrumentText'),
                                confirm: t('builder.questionnaire.removeInstrument'),
                                onConfirm: () => change(removeSection(draft, sectionIndex)),
                              })
                            }
                          >
                            {t('builder.questionnaire.removeInstrument')}
                          </Button>
                        </Stack>
                      </Group>
                    </Card>
                  )
                }
                return (
                  <SectionCard
                    key={section.id}
                    section={section}
                    sectionName={sectionName}
                    moves={moves}
                    error={byField[String(sectionIndex)]?.title}
                    onTitle={(title) => change(updateSection(draft, sectionIndex, { title }))}
                    onRemove={() =>
                      setConfirming({
                        title: t('builder.questionnaire.removeSectionTitle', { title: section.title || sectionName }),
                        text: t('builder.questionnaire.removeSectionText', { count: section.questions.length }),
                        confirm: t('builder.questionnaire.removeSection'),
                        onConfirm: () => change(removeSection(draft, sectionIndex)),
                      })
                    }
                  >
                    {section.questions.length === 0 && (
                      <Text size="sm" c="dimmed">
                        {t('builder.questionnaire.noQuestions')}
                      </Text>
                    )}
                    {section.questions.map((question, index) => (
                      <QuestionEditor
                        key={question.id}
                        question={question}
                        number={index + 1}
                        sources={conditionSources(draft, question.id)}
                        errors={byField[`${sectionIndex}.${index}`] ?? {}}
                        isFirst={index === 0}
                        isLast={index === section.questions.length - 1}
                        onChange={(next) => change(updateQuestion(draft, sectionIndex, index, next))}
                        onMove={(by) => change(moveQuestion(draft, sectionIndex, index, by))}
                        onRemove={() =>
                          setConfirming({
                            title: t('builder.questionnaire.removeQuestionTitle', {
                              label: question.label || t('builder.questionnaire.untitled'),
                            }),
                            text: t('builder.questionnaire.removeQuestionText'),
                            confirm: t('builder.questionnaire.removeQuestion'),
                            onConfirm: () => change(removeQuestion(draft, sectionIndex, index)),
                          })
                        }
                      />
                    ))}
                    <Group>
                      <Button
                        variant="light"
                        color="indigo"
                        disabled={!canAddQuestion(draft, sectionIndex)}
                        onClick={() => change(addQuestion(draft, sectionIndex))}
                        aria-label={`${t('builder.questionnaire.addQuestion')} (${sectionName})`}
                      >
                        {t('builder.questionnaire.addQuestion')}
                      </Button>
                      {!canAddQuestion(draft, sectionIndex) && (
                        <Text size="sm">
                          {t('builder.questionnaire.limit', {
                            max: total >= L.questions ? L.questions : L.questionsPerSection,
                          })}
                        </Text>
                      )}
                    </Group>
                  </SectionCard>
                )
              })}
              <Card withBorder>
                <Stack gap="sm">
                  <Group>
                    <Button
                      variant="default"
                      disabled={atSectionLimit}
                      onClick={() => change(addSection(draft, t('builder.questionnaire.newSectionTitle')))}
                    >
                      {t('builder.questionnaire.addSection')}
                    </Button>
                    {atSectionLimit && <Text size="sm">{t('builder.questionnaire.limit', { max: L.sections })}</Text>}
                  </Group>
                  <Group align="flex-end">
                    <Select
                      label={t('builder.questionnaire.instruments')}
                      description={t('builder.questionnaire.instrumentsHelp')}
                      data={available.map((code) => ({
                        value: code,
                        label: instrumentDefinition(code).name[isEnglish ? 'en' : 'fr'],
                      }))}
                      value={instrument}
                      onChange={setInstrument}
                      disabled={available.length === 0 || atSectionLimit}
                      style={{ flex: '1 1 320px' }}
                    />
                    <Button
                      variant="default"
                      disabled={!instrument || atSectionLimit}
                      onClick={() => {
                        if (!instrument) return
                        change(addInstrument(draft, instrument as InstrumentCode))
                        setInstrument(null)
                      }}
                    >
                      {t('builder.questionnaire.insert')}
                    </Button>
                  </Group>
                </Stack>
              </Card>
              <RulesEditor draft={draft} onChange={change} confirm={setConfirming} />
            </Stack>
          </Fieldset>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Card withBorder component="section" aria-labelledby="questionnaire-preview-title" pos="sticky" top={16}>
            <Stack>
              <Title order={3} size="h4" id="questionnaire-preview-title">
                {t('builder.questionnaire.preview')}
              </Title>
              <Text size="sm" c="dimmed">
                {t('builder.questionnaire.previewHelp')}
              </Text>
              {draft.sections.length === 0 ? (
                <Text>{t('builder.questionnaire.previewEmpty')}</Text>
              ) : (
                <QuestionnaireFields definition={draft} answers={answers} errors={{}} onChange={setAnswers} />
              )}
              <Group>
                <Button variant="default" size="compact-sm" onClick={() => setAnswers({})}>
                  {t('builder.questionnaire.previewReset')}
                </Button>
              </Group>
            </Stack>
          </Card>
        </Grid.Col>
      </Grid>
      {!readOnly && (
        <SaveBar
          label={t('builder.questionnaire.save')}
          dirty={dirty}
          blocked={issues.length > 0}
          pending={save.isPending}
          error={save.error}
          savedMessage={
            savedVersion !== null ? t('builder.questionnaire.savedInline', { version: savedVersion }) : null
          }
          onSave={() => save.mutate()}
          onDiscard={() => {
            setDraft(baseline)
            setAnswers({})
          }}
          confirm={setConfirming}
        >
          {dirty && listed.length > 0 && (
            <Alert color="orange" title={t('builder.questionnaire.problems')}>
              <List size="sm">
                {listed.map((issue) => (
                  <List.Item key={`${issue.where}-${issue.message}`}>
                    {issue.where ? `${issue.where} : ` : ''}
                    {issue.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
        </SaveBar>
      )}
      <DestructiveConfirm pending={confirming} onClose={() => setConfirming(null)} />
    </Stack>
  )
}

function SectionCard({
  section,
  sectionName,
  moves,
  error,
  onTitle,
  onRemove,
  children,
}: {
  section: QuestionSection
  sectionName: string
  moves: React.ReactNode
  error?: string
  onTitle: (title: string) => void
  onRemove: () => void
  children: React.ReactNode
}) {
  const { t } = useTranslation()
  return (
    <Card withBorder component="section" aria-label={`${sectionName} — ${section.title}`}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Text fw={700}>{sectionName}</Text>
          <Group gap={4} wrap="nowrap">
            {moves}
            <Button
              variant="subtle"
              color="red"
              size="compact-sm"
              leftSection={<IconTrash size={16} />}
              onClick={onRemove}
              aria-label={`${t('builder.questionnaire.removeSection')} : ${sectionName}`}
            >
              {t('builder.questionnaire.removeSection')}
            </Button>
          </Group>
        </Group>
        <TextInput
          label={t('builder.questionnaire.sectionTitle')}
          value={section.title}
          maxLength={L.titleLength}
          withAsterisk
          error={error}
          onChange={(event) => onTitle(event.currentTarget.value)}
        />
        {children}
      </Stack>
    </Card>
  )
}
