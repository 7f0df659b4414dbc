import { Alert, Badge, Button, Group, List, Loader, Modal, Stack, Table, Text, Title } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { campaignsContract, type Explanation } from '../../../shared/contracts/campaigns.js'
import { localeOf } from '../../../shared/labels.js'
import type { Rule } from '../../../shared/targeting-fields.js'
import { call } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { actualInWords, type CodeNames, conditionInWords, priorityLines } from './why-household.js'

/** What to explain: a rule being edited (the preview's), or a saved campaign's. */
export type WhyQuestion =
  | {
      kind: 'rule'
      organization: string
      targeting: Rule
      priorityWeights?: Record<string, number> | null
      householdId: string
      name: string
    }
  | { kind: 'campaign'; campaignId: string; householdId: string; name: string }

function ask(question: WhyQuestion) {
  if (question.kind === 'campaign') {
    return call(campaignsContract.explain, {
      params: { id: question.campaignId, householdId: question.householdId },
    })
  }
  return call(campaignsContract.previewExplain, {
    body: {
      organization: question.organization,
      targeting: question.targeting,
      priorityWeights: question.priorityWeights ?? undefined,
      householdId: question.householdId,
    },
  })
}

function Holds({ holds }: { holds: boolean }) {
  const { t } = useTranslation()
  return (
    <Badge variant="outline" color={holds ? 'teal.9' : 'red.9'} style={{ flexShrink: 0 }}>
      <span aria-hidden="true">{holds ? '✓ ' : '✗ '}</span>
      {holds ? t('why.met') : t('why.notMet')}
    </Badge>
  )
}

function ExplanationItem({ node, names }: { node: Explanation; names: CodeNames }) {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  if (node.children) {
    const heading = node.combinator ? t(`why.${node.combinator}`) : node.text[locale]
    return (
      <List.Item>
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Holds holds={node.holds} />
          <Text fw={600} size="sm">
            {heading}
          </Text>
        </Group>
        <List
          listStyleType="none"
          spacing={4}
          mt={4}
          ml={10}
          pl="md"
          style={{ borderInlineStart: '2px solid var(--mantine-color-gray-4)' }}
        >
          {node.children.map((child, index) => (
            // The explanation is the rule's tree: its order is the key.
            // biome-ignore lint/suspicious/noArrayIndexKey: parts of a rule have no identity of their own
            <ExplanationItem key={index} node={child} names={names} />
          ))}
        </List>
      </List.Item>
    )
  }
  const actual = actualInWords(node, locale, names)
  return (
    <List.Item>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Holds holds={node.holds} />
        <Text size="sm">
          {conditionInWords(node, locale, names)}
          {actual !== null && (
            <Text span c="dimmed" size="sm">
              {' — '}
              {t('why.actual', { value: actual })}
            </Text>
          )}
        </Text>
      </Group>
    </List.Item>
  )
}

/** The answer of an explanation: the verdict, the conditions in words, and the priority's points line by line. */
export function WhyAnswer({ question, names = {} }: { question: WhyQuestion; names?: CodeNames }) {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  const answer = useQuery({
    queryKey: ['why', question],
    queryFn: () => ask(question),
    retry: false,
  })
  if (answer.isPending) return <Loader aria-label={t('why.loading')} />
  if (answer.error) {
    return (
      <Alert color="red" role="alert">
        {describeError(t, answer.error)}
      </Alert>
    )
  }
  const why = answer.data
  const priority = priorityLines(why.priority, locale)
  return (
    <Stack gap="md">
      <Alert
        color={why.matches ? 'teal' : 'gray'}
        role="status"
        title={why.matches ? t('why.matches') : t('why.doesNotMatch')}
      >
        {why.objection && <Text size="sm">{t('why.objection')}</Text>}
        {why.status === 'left' && <Text size="sm">{t('why.left')}</Text>}
        {why.target && (
          <Text size="sm">
            {t('why.target', {
              status: t(`why.targetStatus.${why.target.status}`),
              attempts: why.target.attempts,
              priority: why.target.priority,
            })}
          </Text>
        )}
      </Alert>
      <section aria-labelledby="why-conditions">
        <Title order={3} size="h5" id="why-conditions" mb="xs">
          {t('why.conditions')}
        </Title>
        <List listStyleType="none" spacing={4}>
          <ExplanationItem node={why.explanation} names={names} />
        </List>
      </section>
      <section aria-labelledby="why-priority">
        <Title order={3} size="h5" id="why-priority">
          {t('why.priority')}
        </Title>
        <Text size="sm" c="dimmed" mb="xs">
          {t('why.priorityHelp')}
        </Text>
        {priority.lines.length === 0 ? (
          <Text size="sm">{t('why.noPoints')}</Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('why.criterion')}</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>{t('why.points')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {priority.lines.map((line) => (
                <Table.Tr key={line.key}>
                  <Table.Td>{line.label}</Table.Td>
                  <Table.Td style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>
                    {t('why.pointsValue', { count: line.points })}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
            <Table.Tfoot>
              <Table.Tr>
                <Table.Th scope="row">{t('why.total')}</Table.Th>
                <Table.Td style={{ textAlign: 'right', whiteSpace: 'nowrap', fontWeight: 700 }}>
                  {t('why.totalValue', { total: priority.total })}
                </Table.Td>
              </Table.Tr>
            </Table.Tfoot>
          </Table>
        )}
        {priority.capped && (
          <Text size="sm" mt="xs">
            {t('why.capped', { sum: priority.sum })}
          </Text>
        )}
      </section>
    </Stack>
  )
}

/**
 * « Pourquoi ce ménage » as a dialog: named by its title, focus kept inside (Mantine's trap), Escape and « Fermer »
 * close it and give the focus back to the button that opened it.
 */
export function WhyHouseholdDialog({
  question,
  onClose,
  names,
}: {
  question: WhyQuestion | null
  onClose: () => void
  names?: CodeNames
}) {
  const { t } = useTranslation()
  return (
    <Modal
      opened={question !== null}
      onClose={onClose}
      title={question ? t('why.titleFor', { name: question.name }) : t('why.title')}
      size="lg"
      closeButtonProps={{ 'aria-label': t('builder.close') }}
      returnFocus
    >
      {question && <WhyAnswer question={question} names={names} />}
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          {t('builder.close')}
        </Button>
      </Group>
    </Modal>
  )
}
