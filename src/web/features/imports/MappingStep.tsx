import { Alert, Button, Checkbox, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ImportPreview } from '../../../shared/contracts/imports.js'
import {
  IMPORT_FIELDS,
  isImportField,
  type Mapping,
  MULTI_COLUMN_FIELDS,
  normalizeHeader,
  REQUIRED_FIELDS,
  type Separator,
} from '../../../shared/import-fields.js'
import { listMappings } from './api.js'

const NONE = '__none__'
const SEPARATOR_KEYS: Record<Separator, string> = { ';': 'semicolon', ',': 'comma', '\t': 'tab', '|': 'pipe' }

export interface RunOptions {
  mapping: Mapping
  saveMappingAs: string
  snapshot: boolean
  dryRun: boolean
}

function Detected({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="sm" c="dimmed" component="dt">
        {label}
      </Text>
      <Text fw={600} component="dd" m={0}>
        {value}
      </Text>
    </div>
  )
}

export function MappingStep({
  preview,
  organization,
  busy,
  onRun,
}: {
  preview: ImportPreview
  organization: string
  busy: boolean
  onRun: (options: RunOptions) => void
}) {
  const { t, i18n } = useTranslation()
  const [mapping, setMapping] = useState<Mapping>(preview.mapping)
  const [saveMappingAs, setSaveMappingAs] = useState('')
  const [snapshot, setSnapshot] = useState(false)
  const [dryRun, setDryRun] = useState(false)
  const [applied, setApplied] = useState<string | null>(null)
  const saved = useQuery({
    queryKey: ['import-mappings', organization],
    queryFn: () => listMappings(organization),
    enabled: Boolean(organization),
  })
  const number = new Intl.NumberFormat(i18n.language)
  const fieldOptions = [
    { value: NONE, label: t('imports.mapping.none') },
    ...IMPORT_FIELDS.map((field) => ({ value: field, label: t(`imports.fields.${field}`) })),
  ]

  const choose = (index: number, value: string | null) => {
    const field = value && isImportField(value) ? value : null
    setApplied(null)
    setMapping((current) =>
      current.map((existing, i) => {
        if (i === index) return field
        // A field other than phones fills from one column only: the column that had it gives it up.
        if (field && !MULTI_COLUMN_FIELDS.includes(field) && existing === field) return null
        return existing
      }),
    )
  }

  const applySaved = (name: string | null) => {
    const chosen = saved.data?.items.find((item) => item.name === name)
    if (!chosen) return
    const byHeader = new Map(Object.entries(chosen.columns).map(([header, field]) => [normalizeHeader(header), field]))
    setMapping(
      preview.headers.map((header, index) => {
        if (preview.ignoredSensitive.includes(header)) return null
        const field = byHeader.get(normalizeHeader(header))
        return field && isImportField(field) ? field : (mapping[index] ?? null)
      }),
    )
    setApplied(chosen.name)
  }

  const missing = REQUIRED_FIELDS.filter((field) => !mapping.includes(field))
  const separatorKey = preview.separator ? SEPARATOR_KEYS[preview.separator] : undefined

  return (
    <Stack gap="lg">
      <section aria-labelledby="import-detected">
        <Title order={3} id="import-detected" mb="xs" tabIndex={-1}>
          {t('imports.detected.title', { name: preview.fileName })}
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 4 }} component="dl" m={0}>
          <Detected label={t('imports.detected.format')} value={t(`imports.formats.${preview.format}`)} />
          <Detected
            label={t('imports.detected.encoding')}
            value={preview.encoding ? t(`imports.encodings.${preview.encoding}`) : t('imports.detected.none')}
          />
          <Detected
            label={t('imports.detected.separator')}
            value={
              separatorKey ? t(`imports.separators.${separatorKey}`) : (preview.separator ?? t('imports.detected.none'))
            }
          />
          <Detected
            label={t('imports.detected.rows')}
            value={t('imports.detected.rowsValue', {
              count: preview.rowCount,
              formatted: number.format(preview.rowCount),
            })}
          />
        </SimpleGrid>
      </section>

      <section aria-labelledby="import-mapping">
        <Title order={3} id="import-mapping" mb="xs">
          {t('imports.mapping.title')}
        </Title>
        <Stack gap="sm">
          <Text size="sm">{t('imports.mapping.help')}</Text>
          {preview.ignoredSensitive.length > 0 && (
            <Alert color="blue" variant="light">
              {t('imports.mapping.sensitive', {
                count: preview.ignoredSensitive.length,
                columns: preview.ignoredSensitive.join(', '),
              })}
            </Alert>
          )}
          {preview.unmapped.length > 0 && (
            <Text size="sm">
              {t('imports.mapping.unmapped', { count: preview.unmapped.length, columns: preview.unmapped.join(', ') })}
            </Text>
          )}
          {saved.data && saved.data.items.length > 0 && (
            <Group align="end">
              <Select
                label={t('imports.mapping.saved')}
                placeholder={t('imports.mapping.savedPlaceholder')}
                data={saved.data.items.map((item) => item.name)}
                value={applied}
                onChange={applySaved}
                w={320}
              />
              {applied && (
                <Text size="sm" role="status">
                  {t('imports.mapping.savedApplied', { name: applied })}
                </Text>
              )}
            </Group>
          )}
          {missing.length > 0 && (
            <Alert color="orange" variant="light" role="alert" title={t('imports.mapping.missingTitle')}>
              {missing.map((field) => (
                <Text key={field} size="sm">
                  {t(field === 'externalRef' ? 'imports.mapping.missingRef' : 'imports.mapping.missingName', {
                    aliases: preview.aliases[field].join(', '),
                  })}
                </Text>
              ))}
            </Alert>
          )}
          <Table.ScrollContainer minWidth={preview.headers.length * 220 + 70}>
            <Table withTableBorder withColumnBorders striped verticalSpacing={6} fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col" w={70}>
                    {t('imports.mapping.line')}
                  </Table.Th>
                  {preview.headers.map((header, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional and fixed for a file
                    <Table.Th key={`${index}-${header}`} scope="col" miw={210} style={{ verticalAlign: 'top' }}>
                      <Stack gap={6}>
                        <Text fw={700} size="sm">
                          {header || t('imports.mapping.column', { index: index + 1 })}
                        </Text>
                        <Select
                          aria-label={t('imports.mapping.fieldFor', {
                            header: header || t('imports.mapping.column', { index: index + 1 }),
                          })}
                          data={fieldOptions}
                          value={mapping[index] ?? NONE}
                          onChange={(value) => choose(index, value)}
                          allowDeselect={false}
                          disabled={preview.ignoredSensitive.includes(header)}
                          size="xs"
                          comboboxProps={{ withinPortal: true }}
                          maxDropdownHeight={320}
                          styles={{ input: { fontWeight: 400 } }}
                        />
                      </Stack>
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.preview.map((row) => (
                  <Table.Tr key={row.line}>
                    <Table.Th scope="row">{row.line}</Table.Th>
                    {preview.headers.map((header, index) => (
                      <Table.Td
                        // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional and fixed for a file
                        key={`${index}-${header}`}
                        c={mapping[index] ? undefined : 'dimmed'}
                        style={{ whiteSpace: 'pre-line' }}
                      >
                        {row.cells[index] ?? ''}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      </section>

      <section aria-labelledby="import-options">
        <Title order={3} id="import-options" mb="xs">
          {t('imports.options.title')}
        </Title>
        <Stack gap="md" maw={640}>
          <TextInput
            label={t('imports.options.saveAs')}
            description={t('imports.options.saveAsHelp')}
            value={saveMappingAs}
            onChange={(event) => setSaveMappingAs(event.currentTarget.value)}
            maxLength={100}
          />
          <Checkbox
            label={t('imports.options.snapshot')}
            description={t('imports.options.snapshotHelp')}
            checked={snapshot}
            onChange={(event) => setSnapshot(event.currentTarget.checked)}
          />
          <Checkbox
            label={t('imports.options.dryRun')}
            description={t('imports.options.dryRunHelp')}
            checked={dryRun}
            onChange={(event) => setDryRun(event.currentTarget.checked)}
          />
          <Group>
            <Button
              onClick={() => onRun({ mapping, saveMappingAs, snapshot, dryRun })}
              disabled={missing.length > 0}
              loading={busy}
            >
              {dryRun ? t('imports.runDry') : t('imports.run')}
            </Button>
          </Group>
        </Stack>
      </section>
    </Stack>
  )
}
