/** What the targeting tests share: a day, a household with only the columns a test sets, a condition. */
import type { HouseholdTable } from '../../db/schema.js'
import {
  evaluateRule,
  type Operator,
  type Rule,
  type TargetableHousehold,
  type TargetingFieldName,
  validateRule,
} from './targeting.js'

export const TODAY = '2026-11-26'

/** A household as the targeting reads it: every column null but those given. */
export function household(fields: Partial<HouseholdTable> & { agencyCode?: string | null } = {}): TargetableHousehold {
  return {
    id: 'h1',
    organizationId: 'o1',
    agencyId: null,
    agencyCode: null,
    externalRef: 'R1',
    lastName: 'Martin',
    firstName: 'Jeanne',
    civility: null,
    searchName: 'martin jeanne | jeanne martin',
    birthDate: null,
    oldestBirthDate: null,
    email: null,
    addressLine1: null,
    addressLine2: null,
    postcode: null,
    city: null,
    inseeCode: null,
    floor: null,
    hasLift: null,
    occupants: null,
    livesAlone: null,
    leaseStart: null,
    arrearsCents: null,
    housingBenefit: null,
    supportProgramme: null,
    worksProgramme: null,
    status: 'active',
    leftAt: null,
    objectionAt: null,
    objectionChannel: null,
    objectionRecordedBy: null,
    objectionNote: null,
    fragilityLevel: null,
    lastContactedAt: null,
    lastImportId: null,
    importSignature: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    erasedAt: null,
    birthYear: null,
    keptHomeKey: null,
    rectifiedFields: null,
    ...fields,
  }
}

/** A condition, with or without a value. */
export const leaf = (field: TargetingFieldName, op: Operator, value?: unknown) =>
  (value === undefined ? { field, op } : { field, op, value }) as Rule

/** Whether a household with these columns matches the rule, validated first, on `today`. */
export const matches = (rule: Rule, fields: Parameters<typeof household>[0], today = TODAY) =>
  evaluateRule(validateRule(rule), household(fields), today)

/** A valid value for each field, to try every operator a field accepts. */
export const SAMPLE_VALUES: Record<TargetingFieldName, unknown> = {
  age: 75,
  oldestAge: 80,
  livesAlone: true,
  occupants: 2,
  supportProgramme: true,
  housingBenefit: false,
  arrears: 500.5,
  agency: 'NANCY',
  postcode: '54000',
  inseeCode: '2A004',
  city: 'Metz',
  floor: 3,
  hasLift: false,
  worksProgramme: 'Isolation Borny',
  leaseStart: '2000-01-01',
  fragilityLevel: 'fragile',
  lastContactedAt: '2026-11-01',
}
