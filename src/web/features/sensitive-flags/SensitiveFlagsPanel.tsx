import { Anchor, Badge, Group, Select, Stack, Table, Text, Title, type TitleOrder } from '@mantine/core'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { formatInstant } from '../../../shared/clock.js'
import { SENSITIVE_FLAG_SOURCES, type SensitiveFlagSource } from '../../../shared/contracts/sensitive-flags.js'
import { SENSITIVE_CATEGORIES, type SensitiveCategory } from '../../../shared/sensitive-words.js'
import { DayInput } from '../../components/DayInput.js'
import { describeError } from '../../components/errors.js'
import { Pager } from '../../components/Pager.js'
import { sensitiveFlagsApi } from './api.js'

const PAGE_SIZE = 25

/**
 * The free texts saved with words of a special category, for the data protection officer (and administrators): the
 * counts per category over the period, then each flag (when, where, which category, who, which household, linked).
 * Never the text. Mounted in the DPO's desk; `organization` narrows it to one organisation (a code), `headingOrder`
 * fits its heading into the page's outline, `linkHouseholds` false names the household without a link.
 */
export function SensitiveFlagsPanel({
  organization,
  headingOrder = 2,
  linkHouseholds = true,
}: {
  organization?: string
  headingOrder?: TitleOrder
  /** Whether the household is a link to its page: not for a DPO, who reads no tenant page outside a request. */
  linkHouseholds?: boolean
}) {
  const { t, i18n } = useTranslation()
  const [category, setCategory] = useState<SensitiveCategory | undefined>()
  const [source, setSource] = useState<SensitiveFlagSource | undefined>()
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [offset, setOffset] = useState(0)
  const query = {
    organization,
    category,
    source,
    from: from || undefined,
    to: to || undefined,
    limit: PAGE_SIZE,
    offset,
  }
  const list = useQuery({
    queryKey: ['sensitive-flags', query],
    queryFn: () => sensitiveFlagsApi.list(query),
    placeholderData: keepPreviousData,
  })
  const data = list.data
  const restart =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value)
      setOffset(0)
    }
  const subheadingOrder = Math.min(headingOrder + 1, 6) as TitleOrder
  return (
    <Stack gap="sm">
      <Title order={headingOrder}>{t('sensitiveFlags.title')}</Title>
      <Text size="sm">{t('sensitiveFlags.intro')}</Text>
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t('sensitiveFlags.filters.category')}
          placeholder={t('sensitiveFlags.filters.all')}
          data={SENSITIVE_CATEGORIES.map((value) => ({ value, label: t(`sensitiveFlags.category.${value}`) }))}
          value={category ?? null}
          onChange={(value) => restart(setCategory)((value as SensitiveCategory | null) ?? undefined)}
          clearable
          miw={200}
        />
        <Select
          label={t('sensitiveFlags.filters.source')}
          placeholder={t('sensitiveFlags.filters.all')}
          data={SENSITIVE_FLAG_SOURCES.map((value) => ({ value, label: t(`sensitiveFlags.source.${value}`) }))}
          value={source ?? null}
          onChange={(value) => restart(setSource)((value as SensitiveFlagSource | null) ?? undefined)}
          clearable
          miw={240}
        />
        <DayInput
          label={t('sensitiveFlags.filters.from')}
          value={from || undefined}
          onChange={(day) => restart(setFrom)(day ?? '')}
        />
        <DayInput
          label={t('sensitiveFlags.filters.to')}
          value={to || undefined}
          onChange={(day) => restart(setTo)(day ?? '')}
        />
      </Group>
      {list.error && (
        <Text c="red" role="alert">
          {describeError(t, list.error)}
        </Text>
      )}
      {data && (
        <>
          <Title order={subheadingOrder} size="h5">
            {t('sensitiveFlags.total', { count: data.total })}
          </Title>
          <Group gap="xs" aria-label={t('sensitiveFlags.countsLabel')} role="group">
            {SENSITIVE_CATEGORIES.map((value) => (
              <Badge key={value} variant="light" color={data.byCategory[value] > 0 ? 'orange' : 'gray'}>
                {t(`sensitiveFlags.category.${value}`)} : {data.byCategory[value]}
              </Badge>
            ))}
          </Group>
          {data.items.length === 0 ? (
            <Text>{t('sensitiveFlags.empty')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={640}>
              <Table striped>
                <Table.Caption>{t('sensitiveFlags.caption')}</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('sensitiveFlags.columns.at')}</Table.Th>
                    <Table.Th scope="col">{t('sensitiveFlags.columns.source')}</Table.Th>
                    <Table.Th scope="col">{t('sensitiveFlags.columns.category')}</Table.Th>
                    <Table.Th scope="col">{t('sensitiveFlags.columns.author')}</Table.Th>
                    <Table.Th scope="col">{t('sensitiveFlags.columns.household')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((flag) => (
                    <Table.Tr key={flag.id}>
                      <Table.Td>{formatInstant(flag.at, i18n.language)}</Table.Td>
                      <Table.Td>{t(`sensitiveFlags.source.${flag.source}`)}</Table.Td>
                      <Table.Td>{t(`sensitiveFlags.category.${flag.category}`)}</Table.Td>
                      <Table.Td>
                        {flag.author.name}
                        {flag.author.organization !== flag.organization && (
                          <Text span size="xs">
                            {' '}
                            ({flag.author.organization})
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {flag.household === null ? (
                          t('sensitiveFlags.noHousehold')
                        ) : linkHouseholds ? (
                          <Anchor component={Link} to={`/households/${flag.household.id}`}>
                            {t('sensitiveFlags.householdLink', { ref: flag.household.ref })}
                          </Anchor>
                        ) : (
                          t('sensitiveFlags.householdLink', { ref: flag.household.ref })
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {data && (
            <Pager
              offset={offset}
              pageSize={PAGE_SIZE}
              total={data.total}
              onOffsetChange={setOffset}
              label={t('sensitiveFlags.pagination')}
              range={(from, to, total) => t('sensitiveFlags.page', { from, to, total })}
              previous={t('sensitiveFlags.previous')}
              next={t('sensitiveFlags.next')}
            />
          )}
        </>
      )}
    </Stack>
  )
}
