/**
 * The values the targeting builder's pickers offer (agencies, communes), from GET /api/campaigns/targeting-values,
 * handed to every condition row through a context; without them (still loading, or refused) the rows keep free text.
 */
import { useQuery } from '@tanstack/react-query'
import { createContext, useContext } from 'react'
import { campaignsContract, type TargetingValues } from '../../../shared/contracts/campaigns.js'
import { call } from '../../api/client.js'
import type { CodeNames } from './why-household.js'

export interface PickerOption {
  value: string
  label: string
}

/** The options of each field that has a picker: agency codes, INSEE codes, commune names. */
export type PickerOptions = Partial<Record<'agency' | 'inseeCode' | 'city', PickerOption[]>>

export const TargetingValuesContext = createContext<PickerOptions>({})

export function useTargetingPickers(): PickerOptions {
  return useContext(TargetingValuesContext)
}

export function useTargetingValues(organization: string) {
  return useQuery({
    queryKey: ['targeting-values', organization],
    queryFn: () => call(campaignsContract.targetingValues, { query: { organization } }),
    staleTime: 5 * 60_000,
    retry: false,
  })
}

/** Options for the pickers: "Agence de Nancy (NANCY)", "Nancy — 54395 (54000)", "Nancy". */
export function pickerOptions(values: TargetingValues | undefined): PickerOptions {
  if (!values) return {}
  const cities = [...new Set(values.communes.map((commune) => commune.name))].sort((a, b) => a.localeCompare(b, 'fr'))
  return {
    agency: values.agencies.map((agency) => ({ value: agency.code, label: `${agency.name} (${agency.code})` })),
    inseeCode: values.communes.map((commune) => ({
      value: commune.inseeCode,
      label: `${commune.name} — ${commune.inseeCode}${commune.postcode ? ` (${commune.postcode})` : ''}`,
    })),
    city: cities.map((name) => ({ value: name, label: name })),
  }
}

/** Names for « pourquoi ce ménage »: an agency's name and a commune's beside their codes. */
export function codeNames(values: TargetingValues | undefined): CodeNames {
  if (!values) return {}
  return {
    agency: new Map(values.agencies.map((agency) => [agency.code, agency.name])),
    inseeCode: new Map(values.communes.map((commune) => [commune.inseeCode, commune.name])),
  }
}

/** A picker's options with the rule's own values kept (a code no longer in the data still shows, and can be removed). */
export function withCurrent(options: PickerOption[], current: readonly string[]): PickerOption[] {
  const known = new Set(options.map((option) => option.value))
  return [...options, ...current.filter((value) => !known.has(value)).map((value) => ({ value, label: value }))]
}
