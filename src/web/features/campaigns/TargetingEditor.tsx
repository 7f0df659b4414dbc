import {
  Alert,
  Button,
  Group,
  JsonInput,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  type Condition,
  findTargetingField,
  LIST_OPERATORS,
  type Operator,
  PRESENCE_OPERATORS,
  type Rule,
  TARGETING_FIELDS,
  type TargetingField,
} from '../../../shared/targeting-fields.js'
import { describeError } from '../../components/errors.js'
import { useReportUnsaved } from '../../components/UnsavedChanges.js'
import { campaignsApi } from './api.js'

const isListOperator = (op: Operator) => (LIST_OPERATORS as readonly Operator[]).includes(op)
const isPresenceOperator = (op: Operator) => (PRESENCE_OPERATORS as readonly Operator[]).includes(op)

/** A list typed as "a, b, c": numbers for a number field, texts otherwise. */
function parseList(text: string, field: TargetingField | undefined): string[] | number[] {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
  return field?.type === 'number' ? parts.map(Number) : parts
}

/** A flat rule (all/any of simple conditions) can be edited with the form; anything deeper with the JSON editor. */
function asFlat(rule: Rule): { combinator: 'all' | 'any'; leaves: Condition[] } | null {
  if ('field' in rule) return { combinator: 'all', leaves: [rule] }
  const list = 'all' in rule ? rule.all : 'any' in rule ? rule.any : null
  if (!list?.every((child) => 'field' in child)) return null
  return { combinator: 'all' in rule ? 'all' : 'any', leaves: list as Condition[] }
}

export function TargetingEditor({
  organization,
  initial,
  onSave,
  isSaving,
}: {
  organization: string
  initial: Rule
  onSave?: (rule: Rule) => void
  isSaving?: boolean
}) {
  const { t, i18n } = useTranslation()
  const [rule, setRule] = useState<Rule>(initial)
  const [json, setJson] = useState(JSON.stringify(initial, null, 2))
  const [jsonError, setJsonError] = useState<string | null>(null)
  const [debounced] = useDebouncedValue(rule, 400)
  const preview = useQuery({
    queryKey: ['preview', organization, debounced],
    queryFn: () => campaignsApi.preview(organization, debounced),
    retry: false,
  })
  useReportUnsaved(Boolean(onSave) && JSON.stringify(rule) !== JSON.stringify(initial))
  const flat = asFlat(rule)
  const label = (field: TargetingField) => (i18n.language === 'en' ? field.label.en : field.label.fr)
  const update = (next: Rule) => {
    setRule(next)
    setJson(JSON.stringify(next, null, 2))
  }
  const updateLeaves = (combinator: 'all' | 'any', leaves: Condition[]) =>
    update(combinator === 'all' ? { all: leaves } : { any: leaves })

  return (
    <Stack>
      {flat ? (
        <Stack gap="xs">
          <Group>
            <Text>{t('campaigns.targeting.match')}</Text>
            <SegmentedControl
              aria-label={t('campaigns.targeting.match')}
              value={flat.combinator}
              onChange={(value) => updateLeaves(value as 'all' | 'any', flat.leaves)}
              data={[
                { value: 'all', label: t('campaigns.targeting.all') },
                { value: 'any', label: t('campaigns.targeting.any') },
              ]}
            />
          </Group>
          {flat.leaves.map((leaf, index) => {
            const field = findTargetingField(leaf.field)
            const change = (patch: Partial<Condition>) =>
              updateLeaves(
                flat.combinator,
                flat.leaves.map((other, i) => (i === index ? { ...other, ...patch } : other)),
              )
            const needsValue = !isPresenceOperator(leaf.op)
            const isList = isListOperator(leaf.op)
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity of their own; they are edited by position
              <Group key={`${index}-${leaf.field}`} align="end" wrap="wrap">
                <Select
                  label={t('campaigns.targeting.field')}
                  data={TARGETING_FIELDS.map((f) => ({ value: f.field, label: label(f) }))}
                  value={leaf.field}
                  onChange={(value) => {
                    const chosen = value ? findTargetingField(value) : undefined
                    if (chosen) change({ field: chosen.field, op: chosen.operators[0], value: undefined })
                  }}
                  searchable
                />
                <Select
                  label={t('campaigns.targeting.op')}
                  data={field?.operators ?? []}
                  value={leaf.op}
                  onChange={(value) => {
                    if (!value) return
                    const op = value as Operator
                    // A value of the wrong shape would only earn a 400: none for isSet/isNotSet, a list for in/notIn.
                    const keepsValue = !isPresenceOperator(op) && isListOperator(op) === isList
                    change(keepsValue ? { op } : { op, value: undefined })
                  }}
                  w={110}
                />
                {needsValue && !isList && field?.type === 'number' && (
                  <NumberInput
                    label={t('campaigns.targeting.value')}
                    value={leaf.value as number}
                    onChange={(value) => change({ value: Number(value) })}
                    w={120}
                  />
                )}
                {needsValue && field?.type === 'boolean' && (
                  <Select
                    label={t('campaigns.targeting.value')}
                    data={[
                      { value: 'true', label: t('households.yes') },
                      { value: 'false', label: t('households.no') },
                    ]}
                    value={String(leaf.value ?? true)}
                    onChange={(value) => change({ value: value === 'true' })}
                    w={110}
                  />
                )}
                {needsValue && field?.type === 'enum' && !isList && (
                  <Select
                    label={t('campaigns.targeting.value')}
                    data={field.values ?? []}
                    value={leaf.value as string}
                    onChange={(value) => change({ value: value ?? undefined })}
                  />
                )}
                {needsValue &&
                  (field?.type === 'text' || field?.type === 'date' || isList) &&
                  field?.type !== 'boolean' && (
                    <TextInput
                      label={t('campaigns.targeting.value')}
                      type={field?.type === 'date' ? 'date' : 'text'}
                      value={Array.isArray(leaf.value) ? leaf.value.join(', ') : ((leaf.value as string) ?? '')}
                      onChange={(event) => {
                        const text = event.currentTarget.value
                        change({ value: isList ? parseList(text, field) : text })
                      }}
                    />
                  )}
                <Button
                  variant="subtle"
                  color="red"
                  onClick={() =>
                    updateLeaves(
                      flat.combinator,
                      flat.leaves.filter((_, i) => i !== index),
                    )
                  }
                >
                  {t('campaigns.targeting.remove')}
                </Button>
              </Group>
            )
          })}
          <Group>
            <Button
              variant="light"
              onClick={() => updateLeaves(flat.combinator, [...flat.leaves, { field: 'age', op: '>=', value: 75 }])}
            >
              {t('campaigns.targeting.add')}
            </Button>
          </Group>
        </Stack>
      ) : null}
      <JsonInput
        label={t('campaigns.targeting.advanced')}
        value={json}
        onChange={(text) => {
          setJson(text)
          try {
            setRule(JSON.parse(text))
            setJsonError(null)
          } catch {
            setJsonError(t('campaigns.targeting.invalidJson'))
          }
        }}
        error={jsonError}
        autosize
        minRows={4}
        formatOnBlur
      />
      {preview.error && (
        <Alert color="red" role="alert">
          {describeError(t, preview.error)}
        </Alert>
      )}
      {preview.data && (
        <Stack gap="xs">
          <Title order={3} size="h4" aria-live="polite">
            {t('campaigns.targeting.count', { count: preview.data.count })}
          </Title>
          <Text size="sm">{t('campaigns.targeting.sample')}</Text>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('campaigns.reference')}</Table.Th>
                <Table.Th>{t('campaigns.name')}</Table.Th>
                <Table.Th>{t('campaigns.age')}</Table.Th>
                <Table.Th>{t('campaigns.city')}</Table.Th>
                <Table.Th>{t('campaigns.priority')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.data.sample.map((household) => (
                <Table.Tr key={household.id}>
                  <Table.Td>{household.externalRef}</Table.Td>
                  <Table.Td>
                    {household.lastName} {household.firstName}
                  </Table.Td>
                  <Table.Td>{household.age ?? '—'}</Table.Td>
                  <Table.Td>{household.city}</Table.Td>
                  <Table.Td>{household.priority}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
      {onSave && (
        <Group>
          <Button onClick={() => onSave(rule)} loading={isSaving} disabled={Boolean(jsonError)}>
            {t('campaigns.targeting.save')}
          </Button>
        </Group>
      )}
    </Stack>
  )
}
