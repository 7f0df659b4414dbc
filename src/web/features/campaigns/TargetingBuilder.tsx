import {
  Button,
  Card,
  Group,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { type Locale, labelOf } from '../../../shared/labels.js'
import {
  type ConditionValue,
  findTargetingField,
  type Operator,
  TARGETING_FIELDS,
  type TargetingFieldName,
} from '../../../shared/targeting-fields.js'
import {
  type Combinator,
  type ConditionNode,
  frenchToIsoDate,
  type GroupNode,
  isListOperator,
  isoToFrenchDate,
  isPresenceOperator,
  newCondition,
  newGroup,
  type TreeNode,
  withOperator,
} from './targeting-tree.js'
import { useTargetingPickers, withCurrent } from './targeting-values.js'

type Change = (node: TreeNode | null) => void

/** A date typed the French way (jj/mm/aaaa); the rule holds it as YYYY-MM-DD once whole. */
function FrenchDateInput({
  label,
  value,
  onChange,
}: {
  label: string
  value: string | undefined
  onChange: (iso: string | undefined) => void
}) {
  const { t } = useTranslation()
  const [text, setText] = useState(value ? isoToFrenchDate(value) : '')
  const iso = frenchToIsoDate(text)
  return (
    <TextInput
      label={label}
      placeholder={t('campaigns.builder.datePlaceholder')}
      value={text}
      error={text && !iso ? t('campaigns.builder.dateInvalid') : undefined}
      onChange={(event) => {
        const next = event.currentTarget.value
        setText(next)
        onChange(frenchToIsoDate(next) ?? undefined)
      }}
      w={150}
    />
  )
}

function ValueInput({ node, onValue }: { node: ConditionNode; onValue: (value: ConditionValue | undefined) => void }) {
  const { t, i18n } = useTranslation()
  const pickers = useTargetingPickers()
  const locale: Locale = i18n.language === 'en' ? 'en' : 'fr'
  const field = findTargetingField(node.field)
  if (!field || isPresenceOperator(node.op)) return null
  const label = t('campaigns.targeting.value')
  const picker = (node.field === 'agency' || node.field === 'inseeCode' || node.field === 'city') && pickers[node.field]
  if (picker && picker.length > 0) {
    // Agencies and communes from the organisation's data: chosen, not typed.
    if (isListOperator(node.op)) {
      const list = Array.isArray(node.value) ? node.value.map(String) : []
      return (
        <MultiSelect
          label={label}
          data={withCurrent(picker, list)}
          value={list}
          onChange={(values) => onValue(values)}
          searchable
          nothingFoundMessage={t('campaigns.builder.nothingFound')}
          miw={260}
          maxDropdownHeight={280}
        />
      )
    }
    const current = typeof node.value === 'string' ? node.value : null
    return (
      <Select
        label={label}
        data={withCurrent(picker, current ? [current] : [])}
        value={current}
        onChange={(value) => onValue(value ?? undefined)}
        searchable
        nothingFoundMessage={t('campaigns.builder.nothingFound')}
        placeholder={t('campaigns.builder.choose')}
        miw={260}
        maxDropdownHeight={280}
      />
    )
  }
  const enumData = (field.values ?? []).map((value) => ({
    value,
    label: node.field === 'fragilityLevel' ? labelOf('fragility', value, locale) : value,
  }))
  if (isListOperator(node.op)) {
    const list = Array.isArray(node.value) ? node.value.map(String) : []
    if (field.type === 'enum') {
      return <MultiSelect label={label} data={enumData} value={list} onChange={(values) => onValue(values)} miw={220} />
    }
    return (
      <TagsInput
        label={label}
        description={t('campaigns.builder.listHint')}
        value={list}
        onChange={(values) => onValue(field.type === 'number' ? values.map(Number).filter(Number.isFinite) : values)}
        miw={220}
      />
    )
  }
  switch (field.type) {
    case 'number':
      return (
        <NumberInput
          label={label}
          value={typeof node.value === 'number' ? node.value : ''}
          min={field.minimum}
          max={field.maximum}
          allowDecimal={!field.integer}
          onChange={(value) => onValue(value === '' ? undefined : Number(value))}
          w={120}
        />
      )
    case 'boolean':
      return (
        <Select
          label={label}
          data={[
            { value: 'true', label: t('campaigns.builder.yes') },
            { value: 'false', label: t('campaigns.builder.no') },
          ]}
          value={String(node.value ?? true)}
          onChange={(value) => onValue(value === 'true')}
          allowDeselect={false}
          w={110}
        />
      )
    case 'enum':
      return (
        <Select
          label={label}
          data={enumData}
          value={typeof node.value === 'string' ? node.value : null}
          onChange={(value) => onValue(value ?? undefined)}
          allowDeselect={false}
          miw={220}
        />
      )
    case 'date':
      return (
        <FrenchDateInput
          key={node.id}
          label={label}
          value={typeof node.value === 'string' ? node.value : undefined}
          onChange={onValue}
        />
      )
    default:
      return (
        <TextInput
          label={label}
          value={typeof node.value === 'string' ? node.value : ''}
          onChange={(event) => onValue(event.currentTarget.value || undefined)}
        />
      )
  }
}

function ConditionRow({ node, onChange }: { node: ConditionNode; onChange: Change }) {
  const { t, i18n } = useTranslation()
  const locale: Locale = i18n.language === 'en' ? 'en' : 'fr'
  const field = findTargetingField(node.field)
  return (
    <Group align="end" wrap="wrap" gap="sm" data-condition={node.field}>
      <Select
        label={t('campaigns.builder.negation')}
        data={[
          { value: 'no', label: t('campaigns.builder.is') },
          { value: 'yes', label: t('campaigns.builder.isNot') },
        ]}
        value={node.negated ? 'yes' : 'no'}
        onChange={(value) => onChange({ ...node, negated: value === 'yes' })}
        allowDeselect={false}
        w={130}
      />
      <Select
        label={t('campaigns.targeting.field')}
        data={TARGETING_FIELDS.map((f) => ({ value: f.field, label: f.label[locale] }))}
        value={node.field}
        onChange={(value) => {
          if (value) onChange({ ...newCondition(value as TargetingFieldName), id: node.id, negated: node.negated })
        }}
        allowDeselect={false}
        searchable
        w={220}
      />
      <Select
        label={t('campaigns.targeting.op')}
        data={(field?.operators ?? []).map((op) => ({ value: op, label: labelOf('targetingOperator', op, locale) }))}
        value={node.op}
        onChange={(value) => {
          if (value) onChange(withOperator(node, value as Operator))
        }}
        allowDeselect={false}
        w={200}
      />
      <ValueInput node={node} onValue={(value) => onChange({ ...node, value })} />
      <Button variant="subtle" color="red" onClick={() => onChange(null)}>
        {t('campaigns.targeting.remove')}
      </Button>
    </Group>
  )
}

/** One group: "toutes ces conditions" or "au moins une", possibly negated, holding conditions and groups. */
export function GroupEditor({ node, onChange, root }: { node: GroupNode; onChange: Change; root?: boolean }) {
  const { t } = useTranslation()
  const legendId = useId()
  const replaceChild = (index: number, child: TreeNode | null) => {
    const children = child
      ? node.children.map((other, i) => (i === index ? child : other))
      : node.children.filter((_, i) => i !== index)
    onChange({ ...node, children })
  }
  return (
    <Card withBorder padding="sm" role="group" aria-labelledby={legendId} data-group={node.combinator}>
      <Stack gap="sm">
        <Group gap="sm" wrap="wrap">
          <Text id={legendId} fw={600} size="sm">
            {root ? t('campaigns.builder.rootLegend') : t('campaigns.builder.groupLegend')}
          </Text>
          <SegmentedControl
            aria-label={t('campaigns.targeting.match')}
            value={node.combinator}
            onChange={(value) => onChange({ ...node, combinator: value as Combinator })}
            data={[
              { value: 'all', label: t('campaigns.builder.all') },
              { value: 'any', label: t('campaigns.builder.any') },
            ]}
          />
          <Switch
            label={t('campaigns.builder.negateGroup')}
            checked={node.negated}
            onChange={(event) => onChange({ ...node, negated: event.currentTarget.checked })}
          />
        </Group>
        {node.children.length === 0 && (
          <Text size="sm" c="dimmed">
            {node.combinator === 'all' ? t('campaigns.builder.emptyAll') : t('campaigns.builder.emptyAny')}
          </Text>
        )}
        {node.children.map((child, index) =>
          child.kind === 'group' ? (
            <GroupEditor key={child.id} node={child} onChange={(next) => replaceChild(index, next)} />
          ) : (
            <ConditionRow key={child.id} node={child} onChange={(next) => replaceChild(index, next)} />
          ),
        )}
        <Group gap="xs">
          <Button
            variant="light"
            size="xs"
            onClick={() => onChange({ ...node, children: [...node.children, newCondition('age')] })}
          >
            {t('campaigns.targeting.add')}
          </Button>
          <Button
            variant="light"
            size="xs"
            onClick={() =>
              onChange({
                ...node,
                children: [...node.children, { ...newGroup('all'), children: [newCondition('age')] }],
              })
            }
          >
            {t('campaigns.builder.addGroup')}
          </Button>
          {!root && (
            <Button variant="subtle" color="red" size="xs" onClick={() => onChange(null)}>
              {t('campaigns.builder.removeGroup')}
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  )
}
