import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  Radio,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import type { Static } from 'typebox'
import { Value } from 'typebox/value'
import { formatDay, formatInstant, parisToday } from '../../../shared/clock.js'
import {
  DATA_REQUEST_CHANNELS,
  DATA_REQUEST_KINDS,
  type DataRequest,
  type DataRequestKind,
  type ErasureRefusal,
  ErasureRefusalSchema,
} from '../../../shared/contracts/data-protection.js'
import type { KeptReasonSchema } from '../../../shared/contracts/retention.js'
import { localeOf } from '../../../shared/labels.js'
import { ApiError } from '../../api/client.js'
import { DayInput } from '../../components/DayInput.js'
import { describeError } from '../../components/errors.js'
import { Pager } from '../../components/Pager.js'
import { WHOLE_BADGE } from '../../components/table-styles.js'
import type { DeskOrganization } from './AuditLogTab.js'
import { dataProtectionApi } from './api.js'

const PAGE_SIZE = 50
type Status = 'open' | 'closed' | 'all'
type CloseOutcome = 'answered' | 'objection_recorded' | 'refused'
type Channel = (typeof DATA_REQUEST_CHANNELS)[number]
type KeptReason = Static<typeof KeptReasonSchema>

/** How a request of each kind may be closed from the register (rectification and erasure close by being done). */
const CLOSE_OUTCOMES: Record<DataRequestKind, CloseOutcome[]> = {
  access: ['answered', 'refused'],
  objection: ['objection_recorded', 'refused'],
  rectification: ['refused'],
  erasure: ['refused'],
}

/** The words of a refusal: a household reference unknown, a day in the future, else the plain error. */
function registerError(t: (key: string) => string, error: unknown, describe: (error: unknown) => string) {
  if (error instanceof ApiError && error.code === 'NOT_FOUND') return t('dataProtection.requests.unknownHousehold')
  if (error instanceof ApiError && JSON.stringify(error.details ?? '').includes('receivedOn')) {
    return t('dataProtection.requests.futureDay')
  }
  return describe(error)
}

function NewRequestForm({
  organizations,
  onDone,
}: {
  organizations: DeskOrganization[]
  onDone: (text: string) => void
}) {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  const queryClient = useQueryClient()
  const [kind, setKind] = useState<DataRequestKind>('access')
  const [householdRef, setHouseholdRef] = useState('')
  const [receivedOn, setReceivedOn] = useState<string | undefined>(parisToday())
  const [channel, setChannel] = useState<Channel | null>(null)
  const [organization, setOrganization] = useState(organizations[0]?.code ?? '')
  const create = useMutation({
    mutationFn: () =>
      dataProtectionApi.createRequest({
        ...(organizations.length > 1 ? { organization } : {}),
        householdRef: householdRef.trim(),
        kind,
        receivedOn,
        ...(channel ? { channel } : {}),
      }),
    onSuccess: async (request) => {
      onDone(
        t('dataProtection.requests.registered', { ref: request.householdRef, due: formatDay(request.dueOn, locale) }),
      )
      setHouseholdRef('')
      setReceivedOn(parisToday())
      setChannel(null)
      await queryClient.invalidateQueries({ queryKey: ['data-requests'] })
      await queryClient.invalidateQueries({ queryKey: ['home'] })
    },
  })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (householdRef.trim() && receivedOn) create.mutate()
  }
  return (
    <Card withBorder component="section" aria-labelledby="new-request">
      <Title order={3} size="h4" id="new-request" mb="xs">
        {t('dataProtection.requests.new')}
      </Title>
      <form noValidate onSubmit={submit}>
        <Stack gap="sm">
          <Radio.Group
            label={t('dataProtection.requests.kind')}
            value={kind}
            onChange={(value) => setKind(value as DataRequestKind)}
            required
          >
            <Group gap="lg" mt={4}>
              {DATA_REQUEST_KINDS.map((value) => (
                <Radio key={value} value={value} label={t(`dataProtection.kinds.${value}`)} />
              ))}
            </Group>
          </Radio.Group>
          <Group align="flex-start" gap="sm" wrap="wrap">
            {organizations.length > 1 && (
              <Select
                label={t('dataProtection.organization')}
                data={organizations.map((entry) => ({ value: entry.code, label: entry.name }))}
                value={organization}
                onChange={(value) => value && setOrganization(value)}
                allowDeselect={false}
                w={220}
              />
            )}
            <TextInput
              label={t('dataProtection.requests.householdRef')}
              value={householdRef}
              onChange={(event) => setHouseholdRef(event.currentTarget.value)}
              maxLength={100}
              required
              w={200}
            />
            <DayInput
              label={t('dataProtection.requests.receivedOn')}
              value={receivedOn}
              onChange={setReceivedOn}
              required
            />
            <Select
              label={t('dataProtection.requests.channel')}
              placeholder={t('dataProtection.requests.noChannel')}
              data={DATA_REQUEST_CHANNELS.map((value) => ({ value, label: t(`dataProtection.channels.${value}`) }))}
              value={channel}
              onChange={(value) => setChannel(value as Channel | null)}
              clearable
              w={180}
            />
          </Group>
          {create.error && (
            <Alert color="red" role="alert">
              {registerError(t, create.error, (error) => describeError(t, error))}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={create.isPending} disabled={!householdRef.trim() || !receivedOn}>
              {t('dataProtection.requests.register')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  )
}

/** Asks before closing (a closed request is never reopened): the outcome among those the kind allows, the answer. */
function CloseDialog({
  request,
  onClose,
  onDone,
}: {
  request: DataRequest | null
  onClose: () => void
  onDone: (text: string) => void
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const outcomes = request ? CLOSE_OUTCOMES[request.kind] : []
  const [outcome, setOutcome] = useState<CloseOutcome | null>(null)
  const [response, setResponse] = useState('')
  const chosen = outcome ?? outcomes[0] ?? 'refused'
  const close = useMutation({
    mutationFn: () =>
      dataProtectionApi.closeRequest(request!.id, {
        outcome: chosen,
        ...(response.trim() ? { response: response.trim() } : {}),
      }),
    onSuccess: async (closed) => {
      onDone(
        t('dataProtection.requests.closed', {
          ref: closed.householdRef,
          outcome: t(`dataProtection.outcomes.${closed.outcome}`),
        }),
      )
      setOutcome(null)
      setResponse('')
      onClose()
      await queryClient.invalidateQueries({ queryKey: ['data-requests'] })
      await queryClient.invalidateQueries({ queryKey: ['home'] })
    },
  })
  const dismiss = () => {
    setOutcome(null)
    setResponse('')
    close.reset()
    onClose()
  }
  const needsReason = chosen === 'refused'
  return (
    <Modal
      opened={request !== null}
      onClose={dismiss}
      title={
        request
          ? t('dataProtection.requests.closeTitle', {
              kind: t(`dataProtection.kindsOf.${request.kind}`),
              ref: request.householdRef,
            })
          : ''
      }
    >
      {request && (
        <Stack>
          {(request.kind === 'rectification' || request.kind === 'erasure') && (
            <Text size="sm">{t('dataProtection.requests.closeDoneElsewhere')}</Text>
          )}
          {outcomes.length > 1 && (
            <Radio.Group
              label={t('dataProtection.requests.outcome')}
              value={chosen}
              onChange={(value) => setOutcome(value as CloseOutcome)}
            >
              <Stack gap={6} mt={4}>
                {outcomes.map((value) => (
                  <Radio key={value} value={value} label={t(`dataProtection.outcomes.${value}`)} />
                ))}
              </Stack>
            </Radio.Group>
          )}
          <Textarea
            label={needsReason ? t('dataProtection.requests.responseRequired') : t('dataProtection.requests.response')}
            value={response}
            onChange={(event) => setResponse(event.currentTarget.value)}
            maxLength={1000}
            required={needsReason}
            autosize
            minRows={2}
          />
          <Text size="sm">{t('dataProtection.requests.closeWarning')}</Text>
          {close.error && (
            <Alert color="red" role="alert">
              {describeError(t, close.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={dismiss}>
              {t('dataProtection.requests.cancel')}
            </Button>
            <Button
              color="red.8"
              onClick={() => close.mutate()}
              loading={close.isPending}
              disabled={needsReason && !response.trim()}
            >
              {t('dataProtection.requests.confirmClose')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}

/** What keeps a household, in words: the reason, and the orientation's date or the follow-up's campaign. */
function keptText(
  t: (key: string, options?: Record<string, unknown>) => string,
  kept: KeptReason[],
  locale: 'fr' | 'en',
) {
  return kept
    .map((reason) => {
      const detail =
        reason.reason === 'follow_up' && reason.campaignName
          ? reason.campaignName
          : reason.since
            ? formatDay(reason.since.slice(0, 10), locale)
            : null
      return `${t('retention.keptBecause', { reason: t(`retention.keptReasons.${reason.reason}`) })}${detail ? ` (${detail})` : ''}`
    })
    .join(' ; ')
}

/**
 * Asks before erasing a household on its erasure request, naming it; erasure cannot be undone. A 409 (an active
 * orientation, a follow-up) is shown with what keeps the household, and the request stays open.
 */
function EraseDialog({
  request,
  onClose,
  onDone,
}: {
  request: DataRequest | null
  onClose: () => void
  onDone: (text: string) => void
}) {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  const queryClient = useQueryClient()
  const erase = useMutation({
    mutationFn: () => dataProtectionApi.erase(request!.householdId, request!.id),
    onSuccess: async (result) => {
      onDone(
        t('dataProtection.requests.erased', {
          ref: result.request.householdRef,
          day: formatInstant(result.erasedAt, i18n.language, { time: false }),
        }),
      )
      erase.reset()
      onClose()
      await queryClient.invalidateQueries({ queryKey: ['data-requests'] })
      await queryClient.invalidateQueries({ queryKey: ['home'] })
      await queryClient.invalidateQueries({ queryKey: ['retention'] })
    },
  })
  const dismiss = () => {
    erase.reset()
    onClose()
  }
  const refusal =
    erase.error instanceof ApiError &&
    erase.error.code === 'CONFLICT' &&
    Value.Check(ErasureRefusalSchema, erase.error.details)
      ? (erase.error.details as ErasureRefusal)
      : null
  return (
    <Modal
      opened={request !== null}
      onClose={dismiss}
      title={request ? t('dataProtection.requests.eraseTitle', { ref: request.householdRef }) : ''}
    >
      {request && (
        <Stack>
          <Text>{t('dataProtection.requests.eraseWarning', { ref: request.householdRef })}</Text>
          {refusal && (
            <Alert color="orange" role="alert" title={t('dataProtection.requests.eraseRefused')}>
              {keptText(t, refusal.keptBecause, locale)}
              <Text size="sm" mt={4}>
                {t('dataProtection.requests.eraseRefusedHelp')}
              </Text>
            </Alert>
          )}
          {erase.error && !refusal && (
            <Alert color="red" role="alert">
              {describeError(t, erase.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={dismiss}>
              {t('dataProtection.requests.cancel')}
            </Button>
            {!refusal && (
              <Button color="red.8" onClick={() => erase.mutate()} loading={erase.isPending}>
                {t('dataProtection.requests.confirmErase', { ref: request.householdRef })}
              </Button>
            )}
          </Group>
        </Stack>
      )}
    </Modal>
  )
}

/**
 * « Demandes des personnes »: the register of tenants' requests (soonest deadline first, overdue flagged), a form to
 * register one, closing with how it was handled (confirmed first), the dossier of an open access request.
 * An open erasure request offers « Effacer le ménage », an open rectification request « Rectifier sur la fiche » (the
 * household's page, where the rectification answers it), to its managers and administrators (never the DPO).
 */
export function RequestsTab({
  organizations,
  mayChangeHousehold,
}: {
  organizations: DeskOrganization[]
  /** Whether the reader may erase or rectify a household of this organisation (its managers and administrators). */
  mayChangeHousehold: (organizationCode: string) => boolean
}) {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  const [status, setStatus] = useState<Status>('open')
  const [offset, setOffset] = useState(0)
  const [closing, setClosing] = useState<DataRequest | null>(null)
  const [erasing, setErasing] = useState<DataRequest | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const query = { status, limit: PAGE_SIZE, offset }
  const list = useQuery({
    queryKey: ['data-requests', query],
    queryFn: () => dataProtectionApi.requests(query),
    placeholderData: keepPreviousData,
  })
  const data = list.data
  const handled = (request: DataRequest) =>
    request.outcome && request.handledBy && request.handledAt
      ? t('dataProtection.requests.handledBy', {
          outcome: t(`dataProtection.outcomes.${request.outcome}`),
          name: request.handledBy.name,
          day: formatInstant(request.handledAt, i18n.language, { time: false }),
        })
      : null

  return (
    <Stack gap="md">
      <Text size="sm">{t('dataProtection.requests.intro')}</Text>
      <NewRequestForm organizations={organizations} onDone={setNotice} />
      <div aria-live="polite" role="status">
        {notice && (
          <Alert
            color="teal"
            withCloseButton
            closeButtonLabel={t('dataProtection.requests.dismiss')}
            onClose={() => setNotice(null)}
          >
            {notice}
          </Alert>
        )}
      </div>
      <Group justify="space-between" align="flex-end">
        <div>
          <Text size="sm" fw={500} id="request-status" mb={4}>
            {t('dataProtection.requests.show')}
          </Text>
          <SegmentedControl
            aria-labelledby="request-status"
            value={status}
            onChange={(value) => {
              setStatus(value as Status)
              setOffset(0)
            }}
            data={(['open', 'closed', 'all'] as const).map((value) => ({
              value,
              label: t(`dataProtection.requests.status.${value}`),
            }))}
          />
        </div>
        {data && (
          <Title order={3} size="h5" data-testid="requests-total">
            {t('dataProtection.requests.total', { count: data.total })}
          </Title>
        )}
      </Group>
      {list.isPending && <Loader size="sm" aria-label={t('dataProtection.tabs.requests')} />}
      {list.error && (
        <Alert color="red" role="alert">
          {describeError(t, list.error)}
        </Alert>
      )}
      {data && data.items.length === 0 && <Text>{t('dataProtection.requests.empty')}</Text>}
      {data && data.items.length > 0 && (
        <Box style={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-label={t('dataProtection.requests.caption')}>
          <Table striped miw={760}>
            <Table.Caption>{t('dataProtection.requests.caption')}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('dataProtection.requests.columns.receivedOn')}</Table.Th>
                <Table.Th scope="col">{t('dataProtection.requests.columns.kind')}</Table.Th>
                <Table.Th scope="col">{t('dataProtection.requests.columns.household')}</Table.Th>
                <Table.Th scope="col">{t('dataProtection.requests.columns.dueOn')}</Table.Th>
                <Table.Th scope="col">{t('dataProtection.requests.columns.handled')}</Table.Th>
                <Table.Th scope="col">{t('dataProtection.requests.columns.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.items.map((request) => (
                <Table.Tr key={request.id} data-request={request.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {formatDay(request.receivedOn, locale)}
                    {request.channel && (
                      <Text span size="xs" display="block">
                        {t(`dataProtection.channels.${request.channel}`, { defaultValue: request.channel })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{t(`dataProtection.kinds.${request.kind}`)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{request.householdRef}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {formatDay(request.dueOn, locale)}
                    {request.overdue && (
                      <Badge color="red" variant="light" ml="xs" {...WHOLE_BADGE}>
                        {t('dataProtection.requests.overdue')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {handled(request) ?? (
                      <Badge color="gray" variant="light" {...WHOLE_BADGE}>
                        {t('dataProtection.requests.open')}
                      </Badge>
                    )}
                    {request.response && (
                      <Text size="xs" mt={2}>
                        {request.response}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {request.status === 'open' && (
                      <Group gap="xs" wrap="wrap">
                        {request.kind === 'access' && (
                          <>
                            <Anchor
                              href={dataProtectionApi.dossierUrl(request.householdId, 'pdf')}
                              download
                              size="sm"
                              aria-label={t('dataProtection.requests.dossierOf', {
                                ref: request.householdRef,
                                format: 'PDF',
                              })}
                            >
                              {t('dataProtection.requests.dossierPdf')}
                            </Anchor>
                            <Anchor
                              href={dataProtectionApi.dossierUrl(request.householdId, 'json')}
                              download
                              size="sm"
                              aria-label={t('dataProtection.requests.dossierOf', {
                                ref: request.householdRef,
                                format: 'JSON',
                              })}
                            >
                              {t('dataProtection.requests.dossierJson')}
                            </Anchor>
                          </>
                        )}
                        {request.kind === 'rectification' && mayChangeHousehold(request.organization.code) && (
                          <Anchor
                            component={Link}
                            to={`/households/${request.householdId}?request=${request.id}`}
                            size="sm"
                            aria-label={t('dataProtection.requests.rectifyOf', { ref: request.householdRef })}
                          >
                            {t('dataProtection.requests.rectify')}
                          </Anchor>
                        )}
                        {request.kind === 'erasure' && mayChangeHousehold(request.organization.code) && (
                          <Button
                            size="xs"
                            color="red"
                            variant="outline"
                            onClick={() => setErasing(request)}
                            aria-label={t('dataProtection.requests.eraseOf', { ref: request.householdRef })}
                          >
                            {t('dataProtection.requests.erase')}
                          </Button>
                        )}
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => setClosing(request)}
                          aria-label={t('dataProtection.requests.closeOf', { ref: request.householdRef })}
                        >
                          {t('dataProtection.requests.close')}
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
      )}
      {data && (
        <Pager
          offset={offset}
          pageSize={PAGE_SIZE}
          total={data.total}
          onOffsetChange={setOffset}
          label={t('dataProtection.requests.pagination')}
          range={(from, to, total) => t('dataProtection.requests.page', { from, to, total })}
          previous={t('dataProtection.requests.previous')}
          next={t('dataProtection.requests.next')}
        />
      )}
      <CloseDialog request={closing} onClose={() => setClosing(null)} onDone={setNotice} />
      <EraseDialog request={erasing} onClose={() => setErasing(null)} onDone={setNotice} />
    </Stack>
  )
}
