import {
  Alert,
  Anchor,
  Button,
  Group,
  JsonInput,
  Stack,
  Switch,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useQuery } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import type { Rule } from '../../../shared/targeting-fields.js'
import { describeError } from '../../components/errors.js'
import { useReportUnsaved } from '../../components/UnsavedChanges.js'
import { campaignsApi } from './api.js'
import { GroupEditor } from './TargetingBuilder.js'
import { canOpen, type GroupNode, type TreeNode, toRule, toTree } from './targeting-tree.js'
import { codeNames, pickerOptions, TargetingValuesContext, useTargetingValues } from './targeting-values.js'
import { WhyHouseholdDialog, type WhyQuestion } from './WhyHousehold.js'

const nameOf = (household: { lastName: string; firstName: string | null }) =>
  `${household.lastName} ${household.firstName ?? ''}`.trim()

export function TargetingEditor({
  organization,
  initial,
  onSave,
  isSaving,
  priorityWeights,
  campaignId,
}: {
  organization: string
  initial: Rule
  /** The campaign's own weights: the sample's order and « pourquoi ce ménage » use them. */
  priorityWeights?: Record<string, number> | null
  /** A saved campaign's: the sample's names open the household's page, ready to explain it in this campaign. */
  campaignId?: string
  onSave?: (rule: Rule) => void
  isSaving?: boolean
}) {
  const { t } = useTranslation()
  const [rule, setRule] = useState<Rule>(initial)
  const [json, setJson] = useState(JSON.stringify(initial, null, 2))
  const [jsonError, setJsonError] = useState<string | null>(null)
  const [debounced] = useDebouncedValue(rule, 400)
  const preview = useQuery({
    queryKey: ['preview', organization, debounced, priorityWeights],
    queryFn: () => campaignsApi.preview(organization, debounced, priorityWeights),
    retry: false,
  })
  useReportUnsaved(Boolean(onSave) && JSON.stringify(rule) !== JSON.stringify(initial))
  const [tree, setTree] = useState<GroupNode | null>(() => (canOpen(initial) ? toTree(initial) : null))
  const [showJson, setShowJson] = useState(false)
  const [why, setWhy] = useState<WhyQuestion | null>(null)
  const values = useTargetingValues(organization)
  const pickers = useMemo(() => pickerOptions(values.data), [values.data])
  const names = useMemo(() => codeNames(values.data), [values.data])
  const fromBuilder = (next: TreeNode | null) => {
    if (next?.kind !== 'group') return
    const nextRule = toRule(next)
    setTree(next)
    setRule(nextRule)
    setJson(JSON.stringify(nextRule, null, 2))
    setJsonError(null)
  }

  return (
    <Stack>
      {tree ? (
        <TargetingValuesContext.Provider value={pickers}>
          <GroupEditor root node={tree} onChange={fromBuilder} />
        </TargetingValuesContext.Provider>
      ) : (
        <Alert color="orange">{t('campaigns.builder.cannotOpen')}</Alert>
      )}
      <Group>
        <Switch
          label={t('campaigns.builder.showJson')}
          checked={showJson}
          onChange={(event) => setShowJson(event.currentTarget.checked)}
        />
      </Group>
      {showJson && (
        <JsonInput
          label={t('campaigns.targeting.advanced')}
          value={json}
          onChange={(text) => {
            setJson(text)
            try {
              const parsed = JSON.parse(text)
              setRule(parsed)
              setTree(canOpen(parsed) ? toTree(parsed) : null)
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
      )}
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
                <Table.Th>
                  <VisuallyHidden>{t('why.title')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.data.sample.map((household) => (
                <Table.Tr key={household.id}>
                  <Table.Td>{household.externalRef}</Table.Td>
                  <Table.Td>
                    {campaignId ? (
                      <Anchor component={Link} to={`/households/${household.id}?campaign=${campaignId}`}>
                        {nameOf(household)}
                      </Anchor>
                    ) : (
                      nameOf(household)
                    )}
                  </Table.Td>
                  <Table.Td>{household.age ?? '—'}</Table.Td>
                  <Table.Td>{household.city}</Table.Td>
                  <Table.Td>{household.priority}</Table.Td>
                  <Table.Td>
                    <Button
                      variant="subtle"
                      size="compact-sm"
                      aria-label={t('why.openFor', { name: nameOf(household) })}
                      onClick={() =>
                        setWhy({
                          kind: 'rule',
                          organization,
                          targeting: debounced,
                          priorityWeights,
                          householdId: household.id,
                          name: nameOf(household),
                        })
                      }
                    >
                      {t('why.open')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
      <WhyHouseholdDialog question={why} onClose={() => setWhy(null)} names={names} />
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
