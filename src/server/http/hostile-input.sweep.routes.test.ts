/**
 * Hostile input is normal input: every route of the OpenAPI document, signed in as a user the policy lets through and
 * aimed at real records (so that requests reach the handlers rather than stopping at a 404), receives a catalogue of
 * hostile values in each path parameter, query field, header, body field (nested ones included) and in unknown
 * fields. For every request:
 *   - never a 5xx, and never longer than SLOW_MS;
 *   - a status ≥ 400 carries exactly the one error format `{"error":{"code","message","details"?}}`, with a code of
 *     `errors.ts` whose status is the one answered;
 *   - a refusal writes nothing (a trigger on every table notes each write: none may follow a refusal);
 *   - values that have no business being accepted are refused: NUL and lone surrogates anywhere, nesting deeper than
 *     MAX_JSON_DEPTH, bodies over the limit, 100,000 characters or items in a named field, impossible or unbounded
 *     dates in a date field, huge / negative / NaN / Infinity numbers in a numeric field.
 * A 2xx for anything else (a search for `' OR 1=1 --`, a name that starts with `=`) is fine: it was taken as text.
 *
 * Routes come from `GET /api/openapi.json`, so a route added later is swept without a line here; it only needs real
 * ids for its path parameters (PATH_VALUES, checked by the first sub-test) and, to go deeper than validation, a valid
 * baseline body (BASELINES; otherwise one is made from the schema). The catalogue is sampled per field with a seeded
 * generator (stable from run to run), every value is sent at least once per route, and every field gets the values
 * of its own kind (dates to a date field, numbers to a numeric one).
 *
 * KNOWN_FAILURES lists what the sweep finds today inside features (a missing bound in a contract, an engine error):
 * the suite passes while exactly those fail, and fails when one of them is fixed (remove its entry) or a new one
 * appears.
 */
import assert from 'node:assert/strict'
import { createHash, randomUUID } from 'node:crypto'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { test } from 'node:test'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse, RouteOptions } from 'fastify'
import { sql } from 'kysely'
import { buildTestApp } from '../../../test/app.js'
import { testEngine } from '../../../test/database.js'
import {
  makeCampaign,
  makeHousehold,
  makeOrganization,
  makePhone,
  makeTarget,
  makeUser,
  type TestUser,
} from '../../../test/factories.js'
import type { Role } from '../../shared/roles.js'
import type { Db } from '../db/database.js'
import { nowTimestamp } from '../db/time.js'
import { publicSessionId } from '../features/account/account.routes.js'
import { type Action, ANYONE, isAction, POLICY, SIGNED_IN } from '../policy/policy.js'
import { hashToken, newSessionToken } from './auth.js'
import { ERROR_STATUS } from './errors.js'
import { MAX_JSON_DEPTH } from './hostile-input.js'

/** A request slower than this is a failure: one input must not hold the server. */
const SLOW_MS = 10_000
/** Random catalogue values per field, on top of the values of the field's own kind. */
const SAMPLES_PER_FIELD = 5

// ---------------------------------------------------------------------------------------------------------------
// Known failures: each names a route, a field, a catalogue value and what went wrong; the reason says where to fix.
// ---------------------------------------------------------------------------------------------------------------

interface KnownFailure {
  reason: string
  /** Only on these engines (both when absent). */
  engines?: ReadonlyArray<'sqlite' | 'postgres'>
}

/** `METHOD /api/path location:field ← value: problem` → why. Keep as short as the truth allows. */
const KNOWN_FAILURES: Record<string, KnownFailure> = {}

// ---------------------------------------------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------------------------------------------

type Kind = 'control' | 'size' | 'depth' | 'items' | 'number' | 'type' | 'injection' | 'date' | 'key' | 'text'

interface HostileValue {
  name: string
  kind: Kind
  /** In a JSON body; a function receives the field's schema (dates take the field's format). */
  json?: unknown | ((schema: Schema | undefined) => unknown)
  /** As text (path, query, header, form field); absent when it cannot travel there. */
  text?: string
  /** As text, already percent-encoded (for what encodeURIComponent refuses: lone surrogates). */
  percent?: string
  /** Sent in several query parameters / form parts of the same name (an array where a string is expected). */
  repeated?: string[]
  /** For the unknown-field location: the key itself is the hostile part. */
  key?: string
  /** Written into the JSON text as is, for what JSON.stringify cannot write (1e400 parses as Infinity). */
  rawJson?: string
}

function nested(depth: number): unknown {
  let value: unknown = 'leaf'
  for (let level = 0; level < depth; level++) value = level % 2 ? { child: value } : [value]
  return value
}

const MEGABYTE = 'x'.repeat(1024 * 1024)
const HUNDRED_THOUSAND = 'y'.repeat(100_000)

function dateValue(day: string) {
  return (schema: Schema | undefined) => (schema?.format === 'date-time' ? `${day}T10:00:00Z` : day)
}

const CATALOGUE: readonly HostileValue[] = [
  { name: 'nul', kind: 'control', json: 'Jeanne\u0000Martin', text: 'Jeanne\u0000Martin' },
  { name: 'lone-high-surrogate', kind: 'control', json: 'Jeanne\uD800', percent: 'Jeanne%ED%A0%80' },
  { name: 'lone-low-surrogate', kind: 'control', json: '\uDC00Martin', percent: '%ED%B0%80Martin' },
  { name: 'one-megabyte', kind: 'size', json: MEGABYTE, text: MEGABYTE },
  { name: 'hundred-thousand-characters', kind: 'size', json: HUNDRED_THOUSAND, text: HUNDRED_THOUSAND },
  { name: 'nested-40-deep', kind: 'depth', json: nested(MAX_JSON_DEPTH + 8) },
  { name: 'hundred-thousand-items', kind: 'items', json: Array.from({ length: 100_000 }, () => 'z') },
  { name: 'huge-number', kind: 'number', json: 1e20, text: '1e20' },
  { name: 'overflow-to-infinity', kind: 'number', rawJson: '1e400', text: '1e400' },
  {
    name: 'beyond-bigint',
    kind: 'number',
    rawJson: '123456789012345678901234567890',
    text: '123456789012345678901234567890',
  },
  { name: 'negative', kind: 'number', json: -1, text: '-1' },
  { name: 'fraction', kind: 'number', json: 2.5, text: '2.5' },
  { name: 'nan-text', kind: 'number', json: 'NaN', text: 'NaN' },
  { name: 'infinity-text', kind: 'number', json: 'Infinity', text: 'Infinity' },
  { name: 'array', kind: 'type', json: ['a', 'b'], repeated: ['a', 'b'] },
  { name: 'object', kind: 'type', json: { a: 1 }, text: '{"a":1}' },
  { name: 'boolean', kind: 'type', json: true, text: 'true' },
  { name: 'null', kind: 'type', json: null },
  { name: 'empty', kind: 'type', json: '', text: '' },
  { name: 'sql-or', kind: 'injection', json: "' OR 1=1 --", text: "' OR 1=1 --" },
  { name: 'sql-drop', kind: 'injection', json: '"; DROP TABLE household; --', text: '"; DROP TABLE household; --' },
  {
    name: 'formula',
    kind: 'injection',
    json: '=HYPERLINK("http://x","y")',
    text: '=HYPERLINK("http://x","y")',
  },
  { name: 'markup', kind: 'injection', json: '<img src=x onerror=alert(1)>', text: '<img src=x onerror=alert(1)>' },
  { name: 'path-traversal', kind: 'injection', json: '../../../../etc/passwd', text: '../../../../etc/passwd' },
  { name: 'line-breaks', kind: 'injection', json: 'a\r\nSet-Cookie: x=y', text: 'a\r\nSet-Cookie: x=y' },
  { name: 'unicode', kind: 'text', json: 'Zoë 👵🏽 \u202Eevil\u200B', text: 'Zoë 👵🏽 \u202Eevil\u200B' },
  { name: 'day-2026-02-30', kind: 'date', json: dateValue('2026-02-30'), text: '2026-02-30' },
  { name: 'day-0000-01-01', kind: 'date', json: dateValue('0000-01-01'), text: '0000-01-01' },
  { name: 'day-9999-12-31', kind: 'date', json: dateValue('9999-12-31'), text: '9999-12-31' },
  { name: 'day-2026-13-01', kind: 'date', json: dateValue('2026-13-01'), text: '2026-13-01' },
  { name: 'day-yesterday', kind: 'date', json: 'yesterday', text: 'yesterday' },
  { name: 'key-proto', kind: 'key', key: '__proto__', json: { isAdmin: true }, text: 'x' },
  { name: 'key-constructor', kind: 'key', key: 'constructor', json: { prototype: { isAdmin: true } }, text: 'x' },
  { name: 'key-nul', kind: 'key', key: 'a\u0000b', json: 'x', text: 'x' },
]

// ---------------------------------------------------------------------------------------------------------------
// The OpenAPI document, as far as the sweep reads it
// ---------------------------------------------------------------------------------------------------------------

interface Schema {
  type?: string | string[]
  format?: string
  enum?: unknown[]
  const?: unknown
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  maxItems?: number
  properties?: Record<string, Schema>
  required?: string[]
  additionalProperties?: boolean | Schema
  items?: Schema
  anyOf?: Schema[]
  default?: unknown
}

interface Parameter {
  in: 'path' | 'query' | 'header'
  name: string
  required?: boolean
  schema?: Schema
}

interface Operation {
  parameters?: Parameter[]
  requestBody?: { content: Record<string, { schema?: Schema }> }
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>
}

interface SweptRoute {
  /** `METHOD /api/path/{param}` as the OpenAPI document writes it. */
  key: string
  method: string
  path: string
  access: Action | undefined
  parameters: Parameter[]
  body?: { mediaType: 'application/json' | 'multipart/form-data'; schema: Schema }
}

/** The properties an object schema may have, across the branches of a union. */
function propertiesOf(schema: Schema | undefined): Record<string, Schema> {
  if (!schema) return {}
  if (schema.anyOf) return Object.assign({}, ...schema.anyOf.map(propertiesOf))
  return schema.properties ?? {}
}

/** The schema of a field at `path` inside `schema` (array indices step into `items`). */
function schemaAt(schema: Schema | undefined, path: readonly (string | number)[]): Schema | undefined {
  let current = schema
  for (const step of path) {
    if (!current) return undefined
    if (typeof step === 'number') {
      const arrays = current.anyOf ? current.anyOf.filter((branch) => branch.items) : [current]
      current = arrays[0]?.items
    } else current = propertiesOf(current)[step]
  }
  return current
}

function typesOf(schema: Schema | undefined): string[] {
  if (!schema) return []
  if (schema.anyOf) return schema.anyOf.flatMap(typesOf)
  if (schema.enum) return [...new Set(schema.enum.map((value) => typeof value))]
  return [schema.type ?? []].flat()
}

/** A value the schema accepts, for a route without a hand-written baseline. */
function exampleOf(schema: Schema | undefined): unknown {
  if (!schema) return 'x'
  if (schema.default !== undefined) return schema.default
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return schema.enum[0]
  // Of a nullable value (contracts' Nullable: null first), the value.
  if (schema.anyOf) return exampleOf(schema.anyOf.find((branch) => branch.const !== null) ?? schema.anyOf[0])
  const type = [schema.type].flat()[0]
  if (type === 'object' || schema.properties) {
    return Object.fromEntries((schema.required ?? []).map((name) => [name, exampleOf(schema.properties?.[name])]))
  }
  if (type === 'array') return []
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1
  if (type === 'boolean') return true
  if (schema.format === 'date') return TODAY
  if (schema.format === 'date-time') return new Date().toISOString()
  return 'x'.repeat(Math.max(schema.minLength ?? 1, 1))
}

// ---------------------------------------------------------------------------------------------------------------
// Records the sweep aims at, and who signs in
// ---------------------------------------------------------------------------------------------------------------

const TODAY = new Date().toISOString().slice(0, 10)
const IN_A_MONTH = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
const IN_TWO_DAYS = new Date(Date.now() + 2 * 86_400_000).toISOString()
const STRONG_PASSWORD = 'Quatre chevaux boivent du thé vert au matin'
const TENANT_FILE = 'N° locataire;Nom;Prénom;Téléphone\r\nH12-0001;Martin;Jeanne;0612345678\r\n'

let serial = 0
const unique = () => `${++serial}${randomUUID().slice(0, 6)}`

interface Fixtures {
  organizationCode: string
  partnerCode: string
  users: Record<Role, TestUser>
  household: string
  householdForObjection: string
  householdWithObjection: string
  referredHousehold: string
  campaign: string
  campaignToChange: string
  campaignToRetarget: string
  campaignForCallers: string
  campaignToActivate: string
  campaignToPause: string
  campaignToClose: string
  callbackTarget: string
  assignment: string
  referral: string
  referralToMove: string
  debrief: string
  importRun: string
  /** A spare session of the manager's (its public name), for the route that ends one of one's sessions. */
  spareSession: string
  /** An account the administrator disables and enables (nobody the sweep signs in as). */
  userToToggle: string
  /** An account taken out of the organisation (renewed: each removal leaves it with none, and disabled). */
  userToRemove: string
  /** An invitation's link that stays valid (read only), and a reset's link used by setting the password (renewed). */
  invitationToken: string
  resetToken: string
  /** An account that changes its password to the same one, over and over, signed in with this cookie. */
  passwordChanger: TestUser & { cookie: string }
  householdRef: string
  dataRequest: string
  householdToErase: string
}

/** Path parameters, by route (first pattern that matches the route key wins) then by name. */
const PATH_VALUES: Array<[RegExp, Record<string, (fx: Fixtures) => string>]> = [
  [/ \/api\/account\/sessions\/\{id\}/, { id: (fx) => fx.spareSession }],
  [/ \/api\/users\/\{id\}\/(disable|enable|mfa\/reset)$/, { id: (fx) => fx.userToToggle }],
  [/ \/api\/users\/\{id\}\/memberships\/\{code\}$/, { id: (fx) => fx.userToRemove, code: (fx) => fx.organizationCode }],
  [/ \/api\/organizations\/\{code\}/, { code: (fx) => fx.organizationCode }],
  [/ \/api\/auth\/sso\/\{code\}\/(start|backchannel-logout)$/, { code: (fx) => fx.organizationCode }],
  [/ \/api\/instruments\/\{code\}/, { code: () => 'ucla3' }],
  [/^POST \/api\/households\/\{id\}\/objection\/withdraw$/, { id: (fx) => fx.householdWithObjection }],
  [/^POST \/api\/households\/\{id\}\/objection$/, { id: (fx) => fx.householdForObjection }],
  // Erasure on request: a household of its own (the baseline erases it; every later request is refused, unwritten).
  [/^POST \/api\/households\/\{id\}\/erasure$/, { id: (fx) => fx.householdToErase }],
  [/ \/api\/households\/\{id\}/, { id: (fx) => fx.household }],
  [/ \/api\/imports\/\{id\}/, { id: (fx) => fx.importRun }],
  [/^PATCH \/api\/campaigns\/\{id\}$/, { id: (fx) => fx.campaignToChange }],
  [/^PUT \/api\/campaigns\/\{id\}\/targeting$/, { id: (fx) => fx.campaignToRetarget }],
  [/ \/api\/campaigns\/\{id\}\/callers/, { id: (fx) => fx.campaignForCallers, userId: (fx) => fx.users.caller.id }],
  [/^POST \/api\/campaigns\/\{id\}\/activate$/, { id: (fx) => fx.campaignToActivate }],
  [/^POST \/api\/campaigns\/\{id\}\/pause$/, { id: (fx) => fx.campaignToPause }],
  [/^POST \/api\/campaigns\/\{id\}\/close$/, { id: (fx) => fx.campaignToClose }],
  [
    /^POST \/api\/campaigns\/\{id\}\/held\/\{targetId\}\/release$/,
    { id: (fx) => fx.campaign, targetId: (fx) => fx.assignment },
  ],
  [
    / \/api\/campaigns\/\{id\}/,
    {
      id: (fx) => fx.campaign,
      householdId: (fx) => fx.referredHousehold,
      targetId: (fx) => fx.callbackTarget,
    },
  ],
  [/ \/api\/assignments\/\{id\}/, { id: (fx) => fx.assignment }],
  [/^POST \/api\/referrals\/\{id\}\/transition$/, { id: (fx) => fx.referralToMove }],
  [/ \/api\/referrals\/\{id\}/, { id: (fx) => fx.referral }],
  [/ \/api\/debriefs\/\{id\}/, { id: (fx) => fx.debrief }],
  [/ \/api\/data-requests\/\{id\}/, { id: (fx) => fx.dataRequest }],
  [/ \/api\/stats\/panels\/\{panel\}/, { panel: () => 'reach' }],
  [/ \/api\/exports\/\{dataset\}\.\{format\}/, { dataset: () => 'calls', format: () => 'csv' }],
]

function pathValue(route: SweptRoute, name: string, fx: Fixtures): string | undefined {
  for (const [pattern, values] of PATH_VALUES) {
    if (pattern.test(route.key) && values[name]) return values[name](fx)
  }
  return undefined
}

/** Query strings that take a request to the handler (required fields, and a scope that exists). */
const BASELINE_QUERIES: Record<string, (fx: Fixtures) => Record<string, string>> = {
  'GET /api/households': () => ({ q: 'Martin', limit: '20', offset: '0' }),
  'GET /api/households/export.csv': () => ({ q: 'Martin', status: 'active', sort: 'name' }),
  'GET /api/referrals': () => ({ box: 'all', limit: '20', offset: '0' }),
  'GET /api/import-mappings': (fx) => ({ organization: fx.organizationCode }),
  'GET /api/campaigns/targeting-values': (fx) => ({ organization: fx.organizationCode }),
  'GET /api/campaigns/{id}/plan': () => ({ callers: '3', hoursPerWeek: '10', days: '30' }),
  'GET /api/sensitive-flags': (fx) => ({
    organization: fx.organizationCode,
    from: '2026-01-01',
    to: '2026-12-31',
    category: 'health',
    source: 'call_note',
    limit: '20',
    offset: '0',
  }),
  'GET /api/audit': (fx) => ({
    user: fx.users.manager.email,
    householdRef: 'H12-0001',
    action: 'household',
    organization: fx.organizationCode,
    from: '2026-01-01',
    to: '2099-01-31',
    limit: '20',
    offset: '0',
  }),
  'GET /api/data-requests': (fx) => ({ status: 'open', householdRef: fx.householdRef, limit: '20', offset: '0' }),
  'GET /api/households/{id}/dossier': () => ({ format: 'pdf' }),
  'GET /api/audit.csv': (fx) => ({ action: 'household.read', organization: fx.organizationCode, from: '2026-01-01' }),
  'GET /api/campaigns/{id}/callers': () => ({ q: 'Martin' }),
  'GET /api/retention/due': (fx) => ({ organization: fx.organizationCode, days: '30' }),
  'GET /api/retention/runs': () => ({ limit: '20' }),
}
const statsQuery = (fx: Fixtures) => ({
  scope: `organization:${fx.organizationCode}`,
  from: '2026-01-01',
  to: '2026-01-31',
})
for (const key of [
  'GET /api/stats/summary',
  'GET /api/stats/panels/{panel}',
  'GET /api/stats/review',
  'GET /api/exports/{dataset}.{format}',
]) {
  BASELINE_QUERIES[key] = statsQuery
}
BASELINE_QUERIES['GET /api/stats/review.pdf'] = (fx) => ({ ...statsQuery(fx), lang: 'fr' })

type Body = Record<string, unknown>

/**
 * Valid bodies (JSON, or the text fields of a form), so that one hostile field is the only thing wrong; one per branch
 * where the body is a union, each swept with the fields of its own branch.
 */
const BASELINES: Record<string, (fx: Fixtures) => Body | Body[]> = {
  'POST /api/auth/login': (fx) => ({ email: fx.users.viewer.email, password: fx.users.viewer.password }),
  'POST /api/account/password-reset': (fx) => ({ email: fx.users.viewer.email }),
  'POST /api/account/link': (fx) => ({ token: fx.invitationToken }),
  'POST /api/account/link/password': (fx) => ({ token: fx.resetToken, password: STRONG_PASSWORD }),
  'POST /api/account/password': (fx) => ({
    currentPassword: fx.passwordChanger.password,
    newPassword: fx.passwordChanger.password,
  }),
  'POST /api/users/invitations': (fx) => ({
    email: `h12-invited-${unique()}@test.allervers.localhost`,
    name: 'Camille Invitée',
    organization: fx.organizationCode,
    role: 'caller',
  }),
  'POST /api/organizations': () => ({
    code: `H12-O${unique()}`,
    name: 'Association des Lilas',
    type: 'association',
    onCallContact: '03 83 00 00 00',
  }),
  'PUT /api/organizations/{code}/sso': () => ({
    isEnabled: false,
    issuer: 'https://login.example.org/realms/nord',
    clientId: 'allervers',
    clientSecret: 'a client secret',
    scopes: 'openid email profile',
    groupsClaim: 'groups',
    roleMapping: [{ group: 'agents', role: 'caller' }],
    provisioning: 'first_sign_in',
  }),
  'POST /api/organizations/{code}/agencies': () => ({
    code: `AG-${unique()}`,
    name: 'Agence Nord',
    inseeCode: '54395',
  }),
  'POST /api/users': (fx) => ({
    email: `h12-${unique()}@test.allervers.localhost`,
    name: 'Camille Martin',
    organization: fx.organizationCode,
    role: 'caller',
    password: 'a long enough password for a test',
  }),
  'POST /api/households/{id}/objection': () => ({ channel: 'phone', at: TODAY, note: 'Ne souhaite plus d’appels' }),
  'POST /api/households/{id}/objection/withdraw': () => ({ reason: 'Demande de la locataire' }),
  'POST /api/instruments/{code}/score': () => ({ answers: { q1: 1, q2: 2, q3: 1 } }),
  'POST /api/campaigns': (fx) => ({
    type: 'crisis_check',
    organization: fx.organizationCode,
    name: 'Canicule 2026',
    targeting: { all: [{ field: 'age', op: '>=', value: 75 }] },
    callingHours: [{ day: 1, from: '09:00', to: '18:00' }],
    maxAttempts: 3,
    retryDelays: { no_answer: 120, voicemail: 240, busy: 15, other: 1440 },
    frequencyCap: { maxAttempts: 3, days: 7 },
    script: 'Bonjour {{civilite_nom}}',
    faq: [{ question: 'Pourquoi ?', answer: 'Pour prendre des nouvelles.' }],
    priorityWeights: { livesAlone: 10 },
  }),
  'PATCH /api/campaigns/{id}': () => ({
    name: 'Canicule 2026 (bis)',
    callingHours: 'always',
    maxAttempts: 4,
    retryDelays: { no_answer: 120, voicemail: 240, busy: 15, other: 1440 },
    frequencyCap: { maxAttempts: 3, days: 7 },
    script: 'Bonjour',
    faq: [{ question: 'Qui êtes-vous ?', answer: 'Votre bailleur.' }],
    questionnaire: {
      sections: [
        {
          id: 'situation',
          title: 'Situation',
          titleEn: 'Situation',
          questions: [
            {
              id: 'help',
              type: 'yes_no',
              label: 'Besoin d’aide ?',
              labelEn: 'Need help?',
              required: true,
              needIfYes: 'food',
            },
            {
              id: 'which',
              type: 'multiple_choice',
              label: 'Pour quoi ?',
              required: false,
              options: [
                { code: 'food', label: 'Courses', labelEn: 'Shopping', need: 'food' },
                { code: 'papers', label: 'Papiers', need: 'admin_digital' },
              ],
              showIf: { question: 'help', equals: true },
            },
            {
              id: 'people',
              type: 'number',
              label: 'Combien ?',
              required: false,
              min: 0,
              max: 20,
              showIf: { question: 'which', in: ['food'] },
            },
          ],
        },
        { id: 'loneliness', instrument: 'ucla3' },
      ],
    },
  }),
  'POST /api/campaigns/preview': (fx) => ({
    organization: fx.organizationCode,
    targeting: { all: [{ field: 'livesAlone', op: '=', value: true }] },
    priorityWeights: null,
    sampleSize: 5,
  }),
  'POST /api/campaigns/preview/explain': (fx) => ({
    organization: fx.organizationCode,
    targeting: { all: [{ field: 'livesAlone', op: '=', value: true }] },
    priorityWeights: null,
    householdId: fx.household,
  }),
  'PUT /api/campaigns/{id}/targeting': () => ({ targeting: { all: [{ field: 'age', op: '>=', value: 70 }] } }),
  'PUT /api/campaigns/{id}/callers': (fx) => ({ userIds: [fx.users.caller.id] }),
  'POST /api/campaigns/{id}/callers': (fx) => ({ userId: fx.users.caller.id }),
  'POST /api/assignments/{id}/outcome': () => [
    { disposition: 'no_answer', notes: 'Pas de réponse', durationSeconds: 30, phoneE164: '+33612345678' },
    { disposition: 'callback', callbackAt: IN_TWO_DAYS, sameCallerForCallback: true },
  ],
  'POST /api/campaigns/{id}/callbacks/{targetId}/reassign': (fx) => ({ callerId: fx.users.caller.id }),
  'POST /api/referrals': (fx) => [
    {
      householdId: fx.referredHousehold,
      category: 'isolation',
      urgency: 'routine',
      recipient: { team: 'Équipe sociale' },
      summary: 'Se sent très seule depuis l’hiver',
      consent: { given: true, recordedAt: new Date().toISOString() },
    },
    {
      householdId: fx.referredHousehold,
      category: 'food',
      urgency: 'within_24h',
      recipient: { organization: fx.partnerCode },
      summary: 'Plus de courses depuis une semaine',
      consent: { given: false },
      overrideReason: 'Personne seule sans ressources, urgence',
    },
  ],
  'POST /api/referrals/{id}/transition': () => ({ to: 'accepted', note: 'Prise en charge' }),
  'POST /api/referrals/{id}/notes': () => ({ note: 'Rappelée ce matin' }),
  'POST /api/referrals/{id}/follow-up': () => [{ everyDays: 7, until: IN_A_MONTH }, { at: IN_TWO_DAYS }],
  'POST /api/campaigns/{id}/feedback': () => ({ meaningful: 4, useful: 4, comment: 'Bon échange' }),
  'POST /api/imports': (fx) => ({ organization: fx.organizationCode, dryRun: 'true', snapshot: 'false' }),
  'PUT /api/organizations/{code}/retention': () => ({
    contactMonths: 24,
    leftMonths: 3,
    auditMonths: 12,
    requestsMonths: 60,
    reason: 'Délibération du conseil du 3 décembre',
  }),
  'POST /api/data-requests': (fx) => ({
    organization: fx.organizationCode,
    householdRef: fx.householdRef,
    kind: 'access',
    channel: 'mail',
    receivedOn: TODAY,
  }),
  'POST /api/data-requests/{id}/close': () => ({ outcome: 'answered', response: 'Dossier envoyé par courrier' }),
  // A first name the household does not hold (the factory's is Jeanne): a rectification that changes nothing is a 422.
  'POST /api/households/{id}/rectification': () => ({ changes: { firstName: 'Jeanne-Marie', city: 'Nancy' } }),
}

/** Routes whose baseline request is refused for a reason of data: they are still swept, less deeply. */
const BASELINE_REFUSED: Record<string, string> = {
  // The second step of a sign-in needs the cookie of a pending one, which the sweep does not hold: 401.
  'POST /api/auth/mfa/verify': 'no pending sign-in',
  'POST /api/auth/mfa/enrolment': 'no pending sign-in',
  'POST /api/auth/mfa/enrolment/confirm': 'no pending sign-in',
  // Nobody's authenticator app gives the sweep a code, and the manager has no second factor to turn off or renew.
  'POST /api/account/mfa/enrolment/confirm': 'no code of an app',
  'POST /api/account/mfa/disable': 'no second factor and no password of the right account',
  'POST /api/account/mfa/recovery-codes': 'no second factor',
  // Only a provider signs a logout token, and the sweep's organisation has its single sign-on off: 404.
  'POST /api/auth/sso/{code}/backchannel-logout': 'no provider, single sign-on off',
}

/** Which role signs in for a route when the first role the policy grants would not get past the handler. */
const ROLE_FOR: Record<string, Role | 'anonymous'> = {
  'POST /api/auth/login': 'anonymous',
  'POST /api/account/password-reset': 'anonymous',
  'POST /api/account/link': 'anonymous',
  'POST /api/account/link/password': 'anonymous',
  'POST /api/campaigns/{id}/feedback': 'caller',
  'POST /api/assignments/{id}/outcome': 'caller',
  'POST /api/assignments/{id}/release': 'caller',
  'POST /api/assignments/{id}/renew': 'caller',
  'POST /api/referrals/{id}/transition': 'social_worker',
}
const ROLE_PREFERENCE: readonly Role[] = ['manager', 'admin', 'social_worker', 'caller', 'viewer', 'partner']

function roleFor(route: SweptRoute): Role | 'anonymous' {
  const chosen = ROLE_FOR[route.key]
  if (chosen) return chosen
  if (!route.access) return 'anonymous'
  const grant = POLICY[route.access] as typeof ANYONE | typeof SIGNED_IN | readonly Role[]
  if (grant === ANYONE || grant === SIGNED_IN) return 'manager'
  return ROLE_PREFERENCE.find((role) => grant.includes(role)) ?? 'anonymous'
}

// ---------------------------------------------------------------------------------------------------------------
// Fields and the values each receives
// ---------------------------------------------------------------------------------------------------------------

type Location = 'path' | 'query' | 'header' | 'body' | 'form'

interface Field {
  location: Location
  /** The path of the field in the body (keys and array indices), or its name elsewhere. */
  path: readonly (string | number)[]
  schema?: Schema
  /** An unknown field: its name is ours, the schema does not know it. */
  isUnknown: boolean
  /** Which baseline body it varies (routes with a union body have several). */
  baselineIndex: number
}

const UNKNOWN = 'hostileUnknownField'
const fieldName = (field: Field) => `${field.location}:${field.path.join('.')}`

const DATE_NAMES = /^(from|to|at|until|day|date|[a-z]+At|[a-z]+Date|birthDate|leaseStart)$/
function isDateField(field: Field): boolean {
  if (field.isUnknown) return false
  if (field.schema?.format === 'date' || field.schema?.format === 'date-time') return true
  const last = field.path.at(-1)
  return typeof last === 'string' && DATE_NAMES.test(last) && typesOf(field.schema).includes('string')
}

function isNumericField(field: Field, baselineValue: unknown): boolean {
  if (field.isUnknown) return false
  const types = typesOf(field.schema)
  if (types.includes('integer') || types.includes('number')) return true
  return typeof baselineValue === 'string' && /^\d+([.,]\d+)?$/.test(baselineValue)
}

/** The values of a field's own kind, always sent to it. */
function ownKind(field: Field, baselineValue: unknown): Kind[] {
  if (field.isUnknown) return ['key']
  const kinds: Kind[] = ['control']
  const types = typesOf(field.schema)
  // Every named text has a bound, and every list.
  if (types.includes('string') || (field.location !== 'body' && !types.includes('array'))) kinds.push('size')
  if (types.includes('array')) kinds.push('items')
  if (isDateField(field)) kinds.push('date')
  if (isNumericField(field, baselineValue)) kinds.push('number')
  return kinds
}

function canTravel(value: HostileValue, field: Field): boolean {
  if (value.kind === 'key' && !field.isUnknown) return false
  switch (field.location) {
    case 'body':
      return value.json !== undefined || value.key !== undefined || value.rawJson !== undefined
    case 'path':
      return value.kind !== 'key' && (value.text !== undefined || value.percent !== undefined)
    case 'query':
      return value.text !== undefined || value.percent !== undefined || value.repeated !== undefined
    case 'form':
      // A lone surrogate cannot be written in a UTF-8 form part; a key with a NUL cannot be a part's name.
      return (value.text !== undefined || value.repeated !== undefined) && value.name !== 'key-nul'
    case 'header':
      return value.text !== undefined && /^[\t\x20-\x7e]*$/.test(value.text) && value.text.length < 8000
  }
}

/**
 * Why the server should have refused this value in this field, or null when a 2xx is fine (the value was taken as
 * harmless text, coerced by the schema, or ignored as an unknown query field).
 */
function mustRefuse(value: HostileValue, field: Field, baselineValue: unknown): string | null {
  if (value.kind === 'control' || value.name === 'key-nul') return 'a NUL or a lone surrogate was accepted'
  if (value.kind === 'depth' && field.location === 'body') return `nesting deeper than ${MAX_JSON_DEPTH} was accepted`
  if (value.name === 'one-megabyte' && field.location === 'body') return 'a body over the 1 MB limit was accepted'
  if (field.isUnknown) return null
  if (value.kind === 'size') return `a text of ${value.json === MEGABYTE ? '1 MB' : '100,000 characters'} was accepted`
  if (value.kind === 'items') return '100,000 items were accepted'
  if (value.kind === 'date' && isDateField(field)) return 'an impossible or unbounded date was accepted'
  if (value.kind === 'number' && isNumericField(field, baselineValue)) {
    if (value.name === 'negative') {
      const minimum = field.schema?.minimum
      const isNumericText = !typesOf(field.schema).some((type) => type === 'integer' || type === 'number')
      return (minimum !== undefined && minimum >= 0) || isNumericText ? 'a negative number was accepted' : null
    }
    if (value.name === 'fraction') return typesOf(field.schema).includes('integer') ? 'a fraction was accepted' : null
    return 'an unbounded or non-finite number was accepted'
  }
  return null
}

/** A small seeded generator (mulberry32): the same sample on every run. */
function seededRandom(seedText: string) {
  let seed = createHash('sha256').update(seedText).digest().readUInt32LE(0)
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let mixed = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296
  }
}

function getAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value
  for (const step of path) current = (current as Record<string | number, unknown> | undefined)?.[step]
  return current
}

function setAt(value: Record<string, unknown>, path: readonly (string | number)[], replacement: unknown) {
  const copy = structuredClone(value)
  let current: Record<string | number, unknown> = copy
  for (const step of path.slice(0, -1)) {
    if (current[step] === null || typeof current[step] !== 'object') current[step] = {}
    current = current[step] as Record<string | number, unknown>
  }
  current[path.at(-1)!] = replacement
  return copy
}

/** The body fields of one baseline: the schema's properties and what the baseline holds, nested ones included. */
function bodyFields(schema: Schema, baseline: Record<string, unknown>, location: Location, baselineIndex: number) {
  const fields: Field[] = []
  const walk = (nodeSchema: Schema | undefined, node: unknown, path: (string | number)[], depth: number) => {
    if (depth > 4) return
    if (Array.isArray(node)) {
      if (node.length === 0) return
      const itemPath = [...path, 0]
      fields.push({ location, path: itemPath, schema: schemaAt(nodeSchema, [0]), isUnknown: false, baselineIndex })
      walk(schemaAt(nodeSchema, [0]), node[0], itemPath, depth + 1)
      return
    }
    if (node === null || typeof node !== 'object') return
    // Of a union, the branch the baseline takes: its other fields belong to another baseline.
    const branch = nodeSchema?.anyOf?.find((candidate) =>
      Object.keys(node).every((key) => Object.hasOwn(candidate.properties ?? {}, key)),
    )
    const names = new Set([...Object.keys(propertiesOf(branch ?? nodeSchema)), ...Object.keys(node)])
    for (const name of names) {
      const childPath = [...path, name]
      const childSchema = propertiesOf(nodeSchema)[name]
      fields.push({ location, path: childPath, schema: childSchema, isUnknown: false, baselineIndex })
      walk(childSchema, (node as Record<string, unknown>)[name], childPath, depth + 1)
    }
    fields.push({ location, path: [...path, UNKNOWN], isUnknown: true, baselineIndex })
  }
  walk(schema, baseline, [], 0)
  return fields
}

interface Case {
  field: Field
  value: HostileValue
}

function caseKey(route: SweptRoute, item: Case) {
  const baseline = item.field.baselineIndex ? ` (baseline ${item.field.baselineIndex + 1})` : ''
  return `${route.key} ${fieldName(item.field)}${baseline} ← ${item.value.name}`
}

/** The sample of one route: own-kind values and SAMPLES_PER_FIELD random ones per field, every value at least once. */
function planCases(route: SweptRoute, fields: Field[], baselineOf: (field: Field) => unknown): Case[] {
  const random = seededRandom(route.key)
  const cases = new Map<string, Case>()
  const add = (field: Field, value: HostileValue) => {
    if (canTravel(value, field)) cases.set(`${fieldName(field)}|${field.baselineIndex}|${value.name}`, { field, value })
  }
  for (const field of fields) {
    const kinds = ownKind(field, baselineOf(field))
    for (const value of CATALOGUE) if (kinds.includes(value.kind)) add(field, value)
    const others = CATALOGUE.filter((value) => canTravel(value, field) && !kinds.includes(value.kind))
    for (let n = 0; n < SAMPLES_PER_FIELD && others.length; n++) {
      add(field, others.splice(Math.floor(random() * others.length), 1)[0])
    }
  }
  for (const value of CATALOGUE) {
    if ([...cases.values()].some((item) => item.value === value)) continue
    const candidates = fields.filter((field) => canTravel(value, field))
    if (candidates.length) add(candidates[Math.floor(random() * candidates.length)], value)
  }
  // Known failures are always sent, whatever the sample: their disappearance must be noticed.
  for (const key of Object.keys(KNOWN_FAILURES)) {
    for (const field of fields) {
      for (const value of CATALOGUE) {
        if (key.startsWith(`${caseKey(route, { field, value })}: `)) add(field, value)
      }
    }
  }
  return [...cases.values()]
}

// ---------------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------------

const KEY_PLACEHOLDER = 'hostileKeyPlaceholder'
const RAW_PLACEHOLDER = 'hostileRawJsonPlaceholder'
const BOUNDARY = '----hostile-input-sweep'

function multipartBody(fields: Array<[string, string]>, file: string | undefined) {
  const parts: Buffer[] = []
  for (const [name, value] of fields) {
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  }
  if (file !== undefined) {
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="locataires.csv"\r\n` +
          `Content-Type: text/csv\r\n\r\n${file}\r\n`,
      ),
    )
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`))
  return Buffer.concat(parts)
}

function encodedText(value: HostileValue): string {
  return value.percent ?? encodeURIComponent(value.text ?? '')
}

interface Sweep {
  app: FastifyInstance
  db: Db
  fx: Fixtures
  cookies: Map<Role, string>
  loginAs(user: TestUser): Promise<{ cookie: string }>
}

/** The baseline bodies of a route: hand-written, or made from the schema. */
function baselinesOf(route: SweptRoute, fx: Fixtures): Record<string, unknown>[] {
  if (!route.body) return route.method === 'GET' ? [] : [{}]
  const written = BASELINES[route.key]
  if (written) return [written(fx)].flat()
  const example = exampleOf(route.body.schema)
  return [example !== null && typeof example === 'object' ? (example as Record<string, unknown>) : {}]
}

function fieldsOf(route: SweptRoute, fx: Fixtures): Field[] {
  const fields: Field[] = []
  for (const parameter of route.parameters) {
    fields.push({
      location: parameter.in,
      path: [parameter.name],
      schema: parameter.schema,
      isUnknown: false,
      baselineIndex: 0,
    })
  }
  fields.push({ location: 'query', path: [UNKNOWN], isUnknown: true, baselineIndex: 0 })
  if (route.method !== 'GET') {
    const location: Location = route.body?.mediaType === 'multipart/form-data' ? 'form' : 'body'
    baselinesOf(route, fx).forEach((baseline, index) => {
      fields.push(...bodyFields(route.body?.schema ?? {}, baseline, location, index))
    })
  }
  return fields
}

async function buildRequest(
  sweep: Sweep,
  route: SweptRoute,
  item: Case | undefined,
  baselineIndex = item?.field.baselineIndex ?? 0,
): Promise<InjectOptions> {
  const { fx } = sweep
  const hostile = item?.value
  const field = item?.field
  const url = route.path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    if (field?.location === 'path' && field.path[0] === name) return encodedText(hostile!)
    return encodeURIComponent(pathValue(route, name, fx) ?? randomUUID())
  })

  const queryPairs: Array<[string, string]> = Object.entries(
    BASELINE_QUERIES[route.key]?.(fx) ??
      Object.fromEntries(
        route.parameters
          .filter((parameter) => parameter.in === 'query' && parameter.required)
          .map((parameter) => [parameter.name, String(exampleOf(parameter.schema))]),
      ),
  ).map(([name, value]) => [encodeURIComponent(name), encodeURIComponent(value)])
  if (field?.location === 'query') {
    const name = encodeURIComponent(field.isUnknown && hostile!.key ? hostile!.key : String(field.path[0]))
    const kept = queryPairs.filter(([existing]) => existing !== name)
    if (hostile!.repeated)
      kept.push(...hostile!.repeated.map((text): [string, string] => [name, encodeURIComponent(text)]))
    else kept.push([name, encodedText(hostile!)])
    queryPairs.splice(0, queryPairs.length, ...kept)
  }
  const query = queryPairs.map(([name, value]) => `${name}=${value}`).join('&')

  const headers: Record<string, string> = {}
  const role = roleFor(route)
  if (route.key === 'POST /api/auth/logout') {
    headers.cookie = (await sweep.loginAs(fx.users.manager)).cookie
  } else if (route.key === 'POST /api/account/password') {
    headers.cookie = fx.passwordChanger.cookie
  } else if (role !== 'anonymous') headers.cookie = sweep.cookies.get(role)!
  for (const parameter of route.parameters.filter((parameter) => parameter.in === 'header')) {
    headers[parameter.name] = `hostile-sweep-${randomUUID()}`
  }
  if (field?.location === 'header') headers[String(field.path[0])] = hostile!.text!

  let payload: string | Buffer | undefined
  const baselines = baselinesOf(route, fx)
  const baseline = baselines[baselineIndex]
  if (route.body?.mediaType === 'multipart/form-data') {
    const form = new Map<string, string[]>(
      Object.entries(baseline ?? {}).map(([name, value]) => [name, [String(value)]]),
    )
    let file: string | undefined = TENANT_FILE
    if (field?.location === 'form') {
      const name = field.isUnknown && hostile!.key ? hostile!.key : String(field.path[0])
      const texts = hostile!.repeated ?? [hostile!.text ?? '']
      if (name === 'file') file = texts.join('\n')
      else form.set(name, texts)
    }
    const parts = [...form.entries()].flatMap(([name, texts]) => texts.map((text): [string, string] => [name, text]))
    payload = multipartBody(parts, file)
    headers['content-type'] = `multipart/form-data; boundary=${BOUNDARY}`
  } else if (baseline !== undefined) {
    let body = baseline
    let keyReplacement: string | undefined
    let rawReplacement: string | undefined
    if (field?.location === 'body') {
      const replacement =
        hostile!.rawJson !== undefined
          ? RAW_PLACEHOLDER
          : typeof hostile!.json === 'function'
            ? hostile!.json(field.schema)
            : hostile!.json
      rawReplacement = hostile!.rawJson
      if (field.isUnknown && hostile!.key) {
        body = setAt(baseline, [...field.path.slice(0, -1), KEY_PLACEHOLDER], replacement)
        keyReplacement = hostile!.key
      } else body = setAt(baseline, field.path, replacement)
    }
    payload = JSON.stringify(body)
    if (keyReplacement !== undefined) {
      payload = payload.replace(`"${KEY_PLACEHOLDER}":`, `${JSON.stringify(keyReplacement)}:`)
    }
    if (rawReplacement !== undefined) payload = payload.replace(`"${RAW_PLACEHOLDER}"`, rawReplacement)
    headers['content-type'] = 'application/json'
  }
  return { method: route.method as 'GET', url: query ? `${url}?${query}` : url, headers, payload }
}

/** An answer, read whole; an event stream is read up to its first event, then closed as a browser tab would. */
interface Answer {
  statusCode: number
  headers: Record<string, unknown>
  body: string
  json(): unknown
}

/** A request still unanswered after this long is a failure of its own (and the sweep goes on). */
const NO_ANSWER_MS = 60_000

async function send(app: FastifyInstance, options: InjectOptions): Promise<Answer> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer after ${NO_ANSWER_MS / 1000} s`)), NO_ANSWER_MS)
  })
  try {
    return await Promise.race([read(app, options), timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function read(app: FastifyInstance, options: InjectOptions): Promise<Answer> {
  const response = await app.inject({ ...options, payloadAsStream: true })
  const stream = response.stream()
  const chunks: Buffer[] = []
  if (String(response.headers['content-type'] ?? '').startsWith('text/event-stream')) {
    chunks.push(await new Promise<Buffer>((resolve) => stream.once('data', resolve)))
    const raw = response.raw.res as unknown as { req: { destroy(): void } }
    raw.req.destroy()
    stream.destroy()
  } else {
    for await (const chunk of stream) chunks.push(chunk as Buffer)
  }
  const body = Buffer.concat(chunks).toString()
  return { statusCode: response.statusCode, headers: response.headers, body, json: () => JSON.parse(body) }
}

// ---------------------------------------------------------------------------------------------------------------
// What a refusal must not change: every write is noted by a trigger, so "nothing written" is one cheap query
// ---------------------------------------------------------------------------------------------------------------

/**
 * Tables a refused request may write, by design: sessions (last seen), the review's counters (a cache the stats
 * routes bring up to date before answering), and the migrations' own.
 */
const NOT_WATCHED = /^(session|stats_rollup|stats_household|kysely_migration.*|sweep_change)$/
/**
 * Refusals that are themselves recorded: a refused sign-in (audit_event, and its count in login_throttle, the login
 * limits), and a refused import preview (audit_event: an upload was read and refused, with the limit it crossed).
 */
const MAY_RECORD_REFUSAL: Record<string, readonly string[]> = {
  'POST /api/auth/login': ['audit_event', 'login_throttle'],
  // A reset request is counted (per address and per account asked about) and logged before anything is refused; a
  // wrong current password counts towards the limit of password changes.
  'POST /api/account/password-reset': ['audit_event', 'login_throttle'],
  'POST /api/account/password': ['login_throttle'],
  // A wrong code or password before changing one's second factor counts towards the limit of such attempts.
  'POST /api/account/mfa/enrolment/confirm': ['login_throttle'],
  'POST /api/account/mfa/disable': ['login_throttle'],
  'POST /api/imports/preview': ['audit_event'],
}

/**
 * Adds to this test's own database a row trigger on every watched table that notes the table's name in
 * `sweep_change` (a write rolled back takes its note with it). Returns where the notes stand, and which tables were
 * written since a given point.
 */
async function watchWrites(db: Db) {
  const engine = testEngine()
  const names =
    engine === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%' order by 1`.execute(db)
  const tables = names.rows.map((row) => row.name).filter((name) => !NOT_WATCHED.test(name))
  if (engine === 'postgres') {
    await sql`create table sweep_change (id bigserial primary key, table_name text not null)`.execute(db)
    await sql`create function sweep_note_change() returns trigger language plpgsql as $$
      begin insert into sweep_change (table_name) values (TG_TABLE_NAME); return null; end $$`.execute(db)
    for (const table of tables) {
      await sql
        .raw(`create trigger sweep_change after insert or update or delete on "${table}"
          for each row execute function sweep_note_change()`)
        .execute(db)
    }
  } else {
    await sql`create table sweep_change (id integer primary key autoincrement, table_name text not null)`.execute(db)
    for (const table of tables) {
      for (const event of ['insert', 'update', 'delete']) {
        await sql
          .raw(`create trigger "sweep_${table}_${event}" after ${event} on "${table}"
            begin insert into sweep_change (table_name) values ('${table}'); end`)
          .execute(db)
      }
    }
  }
  return {
    tables,
    async mark(): Promise<number> {
      const result = await sql<{ last: number | string | null }>`select max(id) as last from sweep_change`.execute(db)
      return Number(result.rows[0]?.last ?? 0)
    },
    async writtenSince(mark: number): Promise<string[]> {
      const result = await sql<{ name: string }>`select distinct table_name as name from sweep_change
        where id > ${mark} order by 1`.execute(db)
      return result.rows.map((row) => row.name)
    },
  }
}

function unexpectedWrites(written: string[], route: SweptRoute) {
  return written.filter((table) => !MAY_RECORD_REFUSAL[route.key]?.includes(table))
}

// ---------------------------------------------------------------------------------------------------------------
// Checks of one answer
// ---------------------------------------------------------------------------------------------------------------

/** What is wrong with an error answer's format, or null. */
function errorFormatProblem(response: Answer): string | null {
  if (!String(response.headers['content-type'] ?? '').startsWith('application/json')) {
    return `content-type ${response.headers['content-type']}`
  }
  let body: unknown
  try {
    body = response.json()
  } catch {
    return 'not JSON'
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'not an object'
  if (Object.keys(body).join() !== 'error') return `top-level keys ${Object.keys(body).join(',')}`
  const error = (body as { error: unknown }).error as Record<string, unknown>
  if (error === null || typeof error !== 'object') return 'error is not an object'
  const keys = Object.keys(error)
  if (keys.some((key) => !['code', 'message', 'details'].includes(key))) return `error keys ${keys.join(',')}`
  if (typeof error.code !== 'string' || !Object.hasOwn(ERROR_STATUS, error.code)) return `unknown code ${error.code}`
  if (typeof error.message !== 'string' || !error.message) return 'no message'
  const expected = ERROR_STATUS[error.code as keyof typeof ERROR_STATUS]
  if (expected !== response.statusCode) return `code ${error.code} is ${expected}, answered ${response.statusCode}`
  return null
}

interface Observation {
  key: string
  detail: string
}

// ---------------------------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------------------------

async function expectOk(response: LightMyRequestResponse, what: string) {
  if (response.statusCode >= 300) throw new Error(`${what}: ${response.statusCode} ${response.body.slice(0, 300)}`)
  return response.json()
}

async function makeFixtures(app: FastifyInstance, db: Db, loginAs: Sweep['loginAs']) {
  const organization = await makeOrganization(db, { code: 'H12-LANDLORD' })
  const partner = await makeOrganization(db, { code: 'H12-PARTNER', type: 'partner' })
  const users = {} as Record<Role, TestUser>
  const cookies = new Map<Role, string>()
  for (const role of ['admin', 'manager', 'caller', 'social_worker', 'viewer', 'partner'] as const) {
    users[role] = await makeUser(db, role, { organizationId: role === 'partner' ? partner.id : organization.id })
    cookies.set(role, (await loginAs(users[role])).cookie)
  }
  const as = (role: Role) => ({ cookie: cookies.get(role)! })

  const newHousehold = async (fields: Record<string, unknown> = {}) => {
    const household = await makeHousehold(db, { organizationId: organization.id, ...fields })
    await makePhone(db, household)
    return household.id
  }
  const newCampaign = async (status: string) =>
    (await makeCampaign(db, { organizationId: organization.id, createdBy: users.manager.id, status })).id

  const campaign = await makeCampaign(db, { organizationId: organization.id, createdBy: users.manager.id })
  for (let n = 0; n < 5; n++) await makeTarget(db, campaign)
  const referred = await makeTarget(db, campaign, { priority: 1 })
  const callback = await makeTarget(db, campaign)
  await db
    .updateTable('campaignTarget')
    .set({
      status: 'scheduled',
      lastDisposition: 'callback',
      nextAttemptAt: new Date(Date.now() + 86_400_000).toISOString(),
    })
    .where('id', '=', callback.id)
    .execute()

  const newAssignment = async () => {
    await makeTarget(db, campaign, { priority: 100 })
    const claimed = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/claim`,
      headers: as('caller'),
    })
    return (await expectOk(claimed, 'claim')).assignment.id as string
  }
  const newReferral = async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: as('manager'),
      payload: [BASELINES['POST /api/referrals'](fx)].flat()[0],
    })
    return (await expectOk(response, 'referral')).referral.id as string
  }
  const invitee = await makeUser(db, 'caller', { organizationId: organization.id })
  const resetter = await makeUser(db, 'caller', { organizationId: organization.id })
  const changer = await makeUser(db, 'caller', { organizationId: organization.id, password: STRONG_PASSWORD })
  const newLink = async (userId: string, purpose: 'invitation' | 'password_reset') => {
    const token = newSessionToken()
    await db
      .insertInto('accountToken')
      .values({
        id: hashToken(token),
        userId,
        purpose,
        createdAt: nowTimestamp(),
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        usedAt: null,
        createdBy: null,
      })
      .execute()
    return token
  }
  const spareSession = async () => {
    const { cookie } = await loginAs(users.manager)
    return publicSessionId(hashToken(cookie.slice(cookie.indexOf('=') + 1)))
  }
  const newDebrief = async () => {
    const id = randomUUID()
    await db
      .insertInto('callerFeedback')
      .values({
        id,
        organizationId: organization.id,
        campaignId: campaign.id,
        callerId: users.caller.id,
        meaningful: 2,
        useful: 2,
        comment: null,
        debriefRequested: 1,
        debriefHandledBy: null,
        debriefHandledAt: null,
        createdAt: nowTimestamp(),
      })
      .execute()
    return id
  }

  const fx: Fixtures = {
    organizationCode: organization.code,
    partnerCode: partner.code,
    users,
    household: await newHousehold(),
    householdForObjection: await newHousehold(),
    householdToErase: await newHousehold(),
    householdWithObjection: await newHousehold({
      objectionAt: nowTimestamp(),
      objectionChannel: 'phone',
      objectionRecordedBy: users.manager.id,
    }),
    referredHousehold: referred.householdId,
    campaign: campaign.id,
    campaignToChange: await newCampaign('draft'),
    campaignToRetarget: await newCampaign('draft'),
    campaignForCallers: await newCampaign('active'),
    campaignToActivate: await newCampaign('draft'),
    campaignToPause: await newCampaign('active'),
    campaignToClose: await newCampaign('active'),
    callbackTarget: callback.id,
    assignment: '',
    referral: '',
    referralToMove: '',
    debrief: await newDebrief(),
    importRun: '',
    spareSession: await spareSession(),
    userToToggle: (await makeUser(db, 'caller', { organizationId: organization.id })).id,
    userToRemove: (await makeUser(db, 'caller', { organizationId: organization.id })).id,
    invitationToken: await newLink(invitee.id, 'invitation'),
    resetToken: await newLink(resetter.id, 'password_reset'),
    passwordChanger: { ...changer, cookie: (await loginAs(changer)).cookie },
    householdRef: '',
    dataRequest: '',
  }
  fx.householdRef = (
    await db.selectFrom('household').select('externalRef').where('id', '=', fx.household).executeTakeFirstOrThrow()
  ).externalRef
  const newDataRequest = async () => {
    const id = randomUUID()
    await db
      .insertInto('dataRequest')
      .values({
        id,
        organizationId: organization.id,
        householdId: fx.household,
        householdRef: fx.householdRef,
        kind: 'access',
        channel: 'mail',
        receivedOn: TODAY,
        dueOn: IN_A_MONTH,
        status: 'open',
        recordedBy: users.manager.id,
        createdAt: nowTimestamp(),
        handledBy: null,
        handledAt: null,
        outcome: null,
        response: null,
        details: null,
      })
      .execute()
    return id
  }
  fx.dataRequest = await newDataRequest()
  fx.assignment = await newAssignment()
  fx.referral = await newReferral()
  fx.referralToMove = await newReferral()
  const form = multipartBody([['organization', organization.code]], TENANT_FILE)
  const started = await app.inject({
    method: 'POST',
    url: '/api/imports',
    headers: { ...as('manager'), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: form,
  })
  fx.importRun = (await expectOk(started, 'import')).import.id
  await settle(db)

  /** After a 2xx, what the route used up is made anew, so that the next request meets the same situation. */
  const RENEW: Record<string, () => Promise<void>> = {
    'DELETE /api/users/{id}/memberships/{code}': async () => {
      fx.userToRemove = (await makeUser(db, 'caller', { organizationId: organization.id })).id
    },
    'POST /api/account/link/password': async () => {
      fx.resetToken = await newLink(resetter.id, 'password_reset')
    },
    'DELETE /api/account/sessions/{id}': async () => {
      fx.spareSession = await spareSession()
    },
    'POST /api/assignments/{id}/outcome': async () => {
      fx.assignment = await newAssignment()
    },
    'POST /api/assignments/{id}/release': async () => {
      fx.assignment = await newAssignment()
    },
    'POST /api/campaigns/{id}/held/{targetId}/release': async () => {
      fx.assignment = await newAssignment()
    },
    'POST /api/referrals/{id}/transition': async () => {
      fx.referralToMove = await newReferral()
    },
    'POST /api/households/{id}/objection': async () => {
      fx.householdForObjection = await newHousehold()
    },
    'POST /api/households/{id}/objection/withdraw': async () => {
      fx.householdWithObjection = await newHousehold({
        objectionAt: nowTimestamp(),
        objectionChannel: 'phone',
        objectionRecordedBy: users.manager.id,
      })
    },
    'POST /api/campaigns/{id}/activate': async () => {
      fx.campaignToActivate = await newCampaign('draft')
    },
    'POST /api/campaigns/{id}/pause': async () => {
      fx.campaignToPause = await newCampaign('active')
    },
    'POST /api/campaigns/{id}/close': async () => {
      fx.campaignToClose = await newCampaign('active')
    },
    'POST /api/debriefs/{id}/handled': async () => {
      fx.debrief = await newDebrief()
    },
    'POST /api/data-requests/{id}/close': async () => {
      fx.dataRequest = await newDataRequest()
    },
  }
  return { fx, cookies, RENEW }
}

/** Waits for background work a 2xx may have started (an import runs after its 202). */
async function settle(db: Db) {
  for (let tries = 0; tries < 800; tries++) {
    const running = await db.selectFrom('importRun').select('id').where('status', '=', 'running').executeTakeFirst()
    if (!running) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('an import is still running after 20 s')
}

// ---------------------------------------------------------------------------------------------------------------
// The routes
// ---------------------------------------------------------------------------------------------------------------

/** Builds the app while noting each route's `config.access` (announced on Fastify's initialization channel). */
async function buildSweptApp(t: Parameters<typeof buildTestApp>[0]) {
  const seen: RouteOptions[] = []
  const onInstance = (message: unknown) => {
    ;(message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (route) => {
      seen.push(route)
    })
  }
  subscribe('fastify.initialization', onInstance)
  try {
    const testApp = await buildTestApp(t, {
      LOGIN_MAX_FAILURES: '1000',
      LOGIN_ADDRESS_MAX_FAILURES: '1000',
      PASSWORD_RESET_MAX_PER_ADDRESS: '10000',
      SSO_SECRET_KEY: 'b2'.repeat(32),
    })
    await testApp.app.ready()
    const access = new Map<string, Action>()
    for (const route of seen) {
      const action = route.config?.access
      if (!isAction(action)) continue
      for (const method of [route.method].flat()) {
        access.set(`${method} ${route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`, action)
      }
    }
    const response = await testApp.app.inject({ url: '/api/openapi.json' })
    assert.equal(response.statusCode, 200)
    const document = response.json<OpenApiDocument>()
    const routes: SweptRoute[] = []
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const key = `${method.toUpperCase()} ${path}`
        const content = operation.requestBody?.content ?? {}
        const mediaType = content['multipart/form-data']
          ? 'multipart/form-data'
          : content['application/json']
            ? 'application/json'
            : undefined
        routes.push({
          key,
          method: method.toUpperCase(),
          path,
          access: access.get(key),
          parameters: operation.parameters ?? [],
          body: mediaType ? { mediaType, schema: content[mediaType].schema ?? {} } : undefined,
        })
      }
    }
    return { ...testApp, routes }
  } finally {
    unsubscribe('fastify.initialization', onInstance)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The sweep
// ---------------------------------------------------------------------------------------------------------------

test('hostile input on every route of the OpenAPI document', async (t) => {
  const { app, db, routes, loginAs } = await buildSweptApp(t)
  assert.ok(routes.length >= 50, `only ${routes.length} routes in the OpenAPI document`)
  const { fx, cookies, RENEW } = await makeFixtures(app, db, loginAs)
  const sweep: Sweep = { app, db, fx, cookies, loginAs }
  const writes = await watchWrites(db)
  const engine = testEngine()

  await t.test('every path parameter names a real record, every route a role that passes the policy', async () => {
    const problems: string[] = []
    for (const route of routes) {
      if (!route.access) problems.push(`${route.key}: no config.access found`)
      if (route.access && POLICY[route.access] !== ANYONE && roleFor(route) === 'anonymous') {
        problems.push(`${route.key}: no role of ROLE_PREFERENCE may call it; name one in ROLE_FOR`)
      }
      for (const parameter of route.parameters.filter((parameter) => parameter.in === 'path')) {
        if (pathValue(route, parameter.name, fx) === undefined) {
          problems.push(`${route.key}: no real value for {${parameter.name}}; add one to PATH_VALUES`)
        }
      }
    }
    assert.deepEqual(problems, [])
    assert.ok(writes.tables.includes('household') && writes.tables.includes('audit_event'), 'the tables are watched')
    const mark = await writes.mark()
    await db
      .updateTable('organization')
      .set({ name: 'Renamed for a moment' })
      .where('code', '=', fx.partnerCode)
      .execute()
    await db
      .updateTable('organization')
      .set({ name: `Organisation ${fx.partnerCode}` })
      .where('code', '=', fx.partnerCode)
      .execute()
    assert.deepEqual(await writes.writtenSince(mark), ['organization'], 'a write is noted')
    const rolledBack = await writes.mark()
    await db
      .transaction()
      .execute(async (transaction) => {
        await transaction.deleteFrom('agency').execute()
        throw new Error('roll back')
      })
      .catch(() => {})
    assert.deepEqual(await writes.writtenSince(rolledBack), [], 'a write rolled back is not')
  })

  await t.test('the baseline request of every route reaches its handler and succeeds', async () => {
    const problems: string[] = []
    for (const route of routes) {
      for (let index = 0; index < Math.max(baselinesOf(route, fx).length, 1); index++) {
        const response = await send(app, await buildRequest(sweep, route, undefined, index))
        const isRefused = response.statusCode >= 400
        if (isRefused !== Object.hasOwn(BASELINE_REFUSED, route.key)) {
          problems.push(`${route.key} (baseline ${index + 1}): ${response.statusCode} ${response.body.slice(0, 200)}`)
        }
        if (!isRefused) {
          await settle(db)
          await RENEW[route.key]?.()
        }
      }
    }
    assert.deepEqual(problems, [], 'baselines refused (fix the baseline, or name the route in BASELINE_REFUSED)')
  })

  await t.test('bodies over 1 MB, wrong content types and broken JSON or forms: 4xx in the one format', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(1024 * 1024 + 1) })
    type Expected = (route: SweptRoute) => number[] | 'refused or ignored'
    const always =
      (...statuses: number[]): Expected =>
      () =>
        statuses
    const BODIES: Array<{ name: string; contentType: string; payload: string; expected: Expected }> = [
      { name: 'over 1 MB', contentType: 'application/json', payload: big, expected: always(413) },
      { name: 'text/plain', contentType: 'text/plain', payload: 'hello', expected: always(415) },
      { name: 'xml', contentType: 'application/xml', payload: '<a>1</a>', expected: always(415) },
      {
        name: 'url-encoded form',
        contentType: 'application/x-www-form-urlencoded',
        payload: 'a=1',
        // The one route that takes a form (a provider's logout token) reads it and finds no token.
        expected: (route) => (route.key === 'POST /api/auth/sso/{code}/backchannel-logout' ? [400] : [415]),
      },
      { name: 'broken JSON', contentType: 'application/json', payload: '{"name": "Martin', expected: always(400) },
      { name: 'empty JSON', contentType: 'application/json', payload: '', expected: always(400) },
      {
        name: 'JSON with __proto__',
        contentType: 'application/json',
        payload: '{"__proto__":{"x":1}}',
        expected: always(400),
      },
      {
        name: 'JSON with constructor.prototype',
        contentType: 'application/json',
        payload: '{"constructor":{"prototype":{"x":1}}}',
        expected: always(400),
      },
      {
        name: 'JSON on a form route',
        contentType: 'application/json',
        payload: '{}',
        expected: (route) => (route.body?.mediaType === 'multipart/form-data' ? [415] : 'refused or ignored'),
      },
      {
        name: 'broken multipart',
        contentType: `multipart/form-data; boundary=${BOUNDARY}`,
        payload: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="organization"\r\n\r\nH12`,
        // A route without a body never reads it; a JSON route finds no object.
        expected: (route) => (route.body ? [400] : 'refused or ignored'),
      },
      {
        name: 'multipart without a boundary',
        contentType: 'multipart/form-data',
        payload: 'x',
        expected: (route) => (route.body ? [400] : 'refused or ignored'),
      },
    ]
    const problems: string[] = []
    for (const route of routes.filter((candidate) => candidate.method !== 'GET')) {
      for (const body of BODIES) {
        const base = await buildRequest(sweep, route, undefined)
        const mark = await writes.mark()
        const response = await send(app, {
          ...base,
          headers: { ...(base.headers as Record<string, string>), 'content-type': body.contentType },
          payload: body.payload,
        })
        const expected = body.expected(route)
        const isRefused = response.statusCode >= 400
        const problem = isRefused
          ? errorFormatProblem(response)
          : expected === 'refused or ignored'
            ? null
            : `accepted, expected ${expected.join(' or ')}`
        const wrongStatus = isRefused && expected !== 'refused or ignored' && !expected.includes(response.statusCode)
        const changed = isRefused ? unexpectedWrites(await writes.writtenSince(mark), route) : []
        if (response.statusCode >= 500 || wrongStatus || problem || changed.length) {
          problems.push(
            `${route.key} ← ${body.name}: ${response.statusCode} ${problem ?? ''} ${changed.join(',')} ${response.body.slice(0, 160)}`,
          )
        }
        if (!isRefused) {
          await settle(db)
          await RENEW[route.key]?.()
        }
      }
    }
    assert.deepEqual(problems, [])
  })

  await t.test('hostile values: no 5xx, one error format, nothing written on refusal, bounds kept', async () => {
    const observed: Observation[] = []
    const slowest: Array<{ key: string; ms: number }> = []
    let requests = 0
    let mark: number | undefined
    for (const route of routes) {
      const fields = fieldsOf(route, fx)
      const baselines = baselinesOf(route, fx)
      const baselineOf = (field: Field) => {
        if (field.location === 'body' || field.location === 'form')
          return getAt(baselines[field.baselineIndex], field.path)
        if (field.location === 'query') return BASELINE_QUERIES[route.key]?.(fx)[String(field.path[0])]
        return undefined
      }
      const statuses = new Map<number, number>()
      for (const item of planCases(route, fields, baselineOf)) {
        const key = caseKey(route, item)
        const options = await buildRequest(sweep, route, item)
        // Logging out signs in afresh first (a session to end), which writes: the mark is taken after.
        if (route.key === 'POST /api/auth/logout') mark = undefined
        mark ??= await writes.mark()
        const started = performance.now()
        let response: Answer
        try {
          response = await send(app, options)
        } catch (error) {
          observed.push({ key: `${key}: no answer`, detail: String(error).slice(0, 200) })
          continue
        }
        requests++
        const ms = performance.now() - started
        slowest.push({ key, ms })
        const status = response.statusCode
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        const detail = `${status} ${response.body.slice(0, 300)}`
        if (ms > SLOW_MS) observed.push({ key: `${key}: slow`, detail: `${Math.round(ms)} ms` })
        if (status >= 500) observed.push({ key: `${key}: server error`, detail })
        if (status >= 400) {
          const problem = errorFormatProblem(response)
          if (problem) observed.push({ key: `${key}: error format`, detail: `${problem} — ${detail}` })
          const written = await writes.writtenSince(mark)
          const changed = unexpectedWrites(written, route)
          if (changed.length)
            observed.push({ key: `${key}: wrote on refusal`, detail: `${changed.join(', ')} — ${detail}` })
          if (written.length) mark = undefined
        } else {
          const reason = mustRefuse(item.value, item.field, baselineOf(item.field))
          if (reason) observed.push({ key: `${key}: accepted`, detail: `${reason} — ${detail}` })
          await settle(db)
          await RENEW[route.key]?.()
          mark = undefined
        }
      }
      t.diagnostic(
        `${route.key}: ${[...statuses.entries()]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status}×${count}`)
          .join(' ')}`,
      )
    }
    slowest.sort((a, b) => b.ms - a.ms)
    t.diagnostic(
      `${requests} requests; slowest: ${slowest
        .slice(0, 5)
        .map((s) => `${s.key} ${Math.round(s.ms)} ms`)
        .join('; ')}`,
    )

    const known = Object.entries(KNOWN_FAILURES)
      .filter(([, failure]) => !failure.engines || failure.engines.includes(engine))
      .map(([key]) => key)
    const observedKeys = [...new Set(observed.map((item) => item.key))]
    const unexpected = observed
      .filter((item) => !known.includes(item.key))
      .map((item) => `${item.key} — ${item.detail}`)
    const fixed = known.filter((key) => !observedKeys.includes(key))
    for (const line of unexpected) t.diagnostic(`UNEXPECTED ${line}`)
    assert.deepEqual(
      { unexpected, fixed },
      { unexpected: [], fixed: [] },
      'new failures (fix them, or list them in KNOWN_FAILURES with the reason) / known failures that no longer happen (remove them)',
    )
  })
})
