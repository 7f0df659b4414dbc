import { Alert, Anchor, Button, FileButton, Group, Loader, Select, Stack, Text, Title } from '@mantine/core'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import type { SessionUser } from '../../../shared/contracts/auth.js'
import type { ImportPreview } from '../../../shared/contracts/imports.js'
import { describeError } from '../../components/errors.js'
import { getImport, previewFile, startImport } from './api.js'
import { explainRefusal } from './explain.js'
import { FailedImport, ImportReportView, RunningImport } from './ImportProgress.js'
import { MappingStep, type RunOptions } from './MappingStep.js'

const ACCEPT =
  '.csv,.txt,.tsv,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

function focusById(id: string) {
  requestAnimationFrame(() => document.getElementById(id)?.focus())
}

export function ImportPage({ user }: { user: SessionUser }) {
  const { t } = useTranslation()
  const organizations = [
    ...new Map(
      user.memberships
        .filter((m) => m.role === 'manager' || m.role === 'admin')
        .map((m) => [m.organization.code, m.organization]),
    ).values(),
  ]
  const [organization, setOrganization] = useState<string | null>(organizations[0]?.code ?? null)
  const [fileName, setFileName] = useState<string | null>(null)
  const [preview, setPreview] = useState<ImportPreview | null>(null)
  const [runId, setRunId] = useState<string | null>(null)
  const resetFile = useRef<() => void>(null)
  // The file chosen: read again when the organisation changes (an upload is for one organisation only).
  const chosen = useRef<File | null>(null)

  const upload = useMutation({
    mutationFn: previewFile,
    onSuccess: (data) => {
      setPreview(data)
      focusById('import-detected')
    },
  })
  const start = useMutation({
    mutationFn: (options: RunOptions) =>
      startImport({
        uploadId: preview!.uploadId,
        fileName: preview!.fileName,
        organization: organization!,
        ...options,
      }),
    onSuccess: (data) => setRunId(data.import.id),
  })
  const run = useQuery({
    queryKey: ['import', runId],
    queryFn: () => getImport(runId!),
    enabled: Boolean(runId),
    refetchInterval: (query) => (query.state.data?.import.status === 'running' || !query.state.data ? 1000 : false),
  })
  const current = run.data?.import ?? start.data?.import
  const finished = current?.status === 'done' && current.report

  useEffect(() => {
    if (finished) focusById('import-report')
  }, [finished])

  const choose = (file: File | null) => {
    resetFile.current?.()
    if (!file || !organization) return
    chosen.current = file
    setFileName(file.name)
    setPreview(null)
    setRunId(null)
    start.reset()
    upload.mutate({ file, organization })
  }
  const chooseOrganization = (code: string | null) => {
    setOrganization(code)
    if (!code || code === organization || !chosen.current) return
    setPreview(null)
    start.reset()
    upload.mutate({ file: chosen.current, organization: code })
  }
  const again = () => {
    chosen.current = null
    setPreview(null)
    setRunId(null)
    setFileName(null)
    upload.reset()
    start.reset()
    focusById('import-file-button')
  }

  if (organizations.length === 0) {
    return (
      <Stack>
        <Title order={2}>{t('imports.title')}</Title>
        <Alert color="orange">{t('imports.notAllowed')}</Alert>
      </Stack>
    )
  }

  const organizationName = organizations.find((o) => o.code === organization)?.name ?? ''

  return (
    <Stack gap="lg">
      <div>
        <Anchor component={Link} to="/households" size="sm">
          ← {t('imports.back')}
        </Anchor>
        <Title order={2} mt="xs">
          {t('imports.title')}
        </Title>
        <Text mt="xs" maw={760}>
          {t('imports.intro')}
        </Text>
      </div>

      {!runId && (
        <Stack gap="sm" maw={760}>
          {organizations.length > 1 ? (
            <Select
              label={t('imports.organization')}
              description={t('imports.organizationHelp')}
              data={organizations.map((o) => ({ value: o.code, label: o.name }))}
              value={organization}
              onChange={chooseOrganization}
              allowDeselect={false}
              disabled={upload.isPending}
              w={360}
            />
          ) : (
            <Text>{t('imports.organizationIs', { name: organizationName })}</Text>
          )}
          <div>
            <Text fw={500} size="sm" id="import-file-label">
              {t('imports.file')}
            </Text>
            <Text size="sm" c="dimmed" id="import-file-help" mb={6}>
              {t('imports.fileHelp')}
            </Text>
            <Group>
              <FileButton onChange={choose} accept={ACCEPT} resetRef={resetFile} disabled={upload.isPending}>
                {(props) => (
                  <Button
                    {...props}
                    id="import-file-button"
                    variant={preview ? 'light' : 'filled'}
                    loading={upload.isPending}
                    aria-describedby="import-file-help"
                  >
                    {preview || upload.isError ? t('imports.chooseAnother') : t('imports.choose')}
                  </Button>
                )}
              </FileButton>
              <div aria-live="polite">
                {upload.isPending && fileName && (
                  <Group gap="xs">
                    <Loader size="xs" />
                    <Text size="sm">{t('imports.reading', { name: fileName })}</Text>
                  </Group>
                )}
              </div>
            </Group>
          </div>
          {upload.isError && (
            <Alert color="red" role="alert" title={t('imports.refusedTitle')}>
              <Text size="sm">{explainRefusal(t, upload.error)}</Text>
              <Text size="sm" mt="xs">
                {t('imports.refusedHint')}
              </Text>
            </Alert>
          )}
        </Stack>
      )}

      {preview && !runId && organization && (
        <MappingStep
          key={preview.uploadId}
          preview={preview}
          organization={organization}
          busy={start.isPending}
          onRun={(options) => start.mutate(options)}
        />
      )}
      {start.isError && (
        <Alert color="red" role="alert" title={t('imports.refusedTitle')}>
          {explainRefusal(t, start.error)}
        </Alert>
      )}

      {current?.status === 'running' && <RunningImport run={current} />}
      {current?.status === 'failed' && <FailedImport run={current} />}
      {current?.status === 'done' && current.report && (
        <ImportReportView run={current} report={current.report} onAnother={again} />
      )}
      {run.isError && <Alert color="red">{describeError(t, run.error)}</Alert>}
    </Stack>
  )
}
