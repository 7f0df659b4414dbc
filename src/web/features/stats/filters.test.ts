import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addDays, isCalendarDay } from '../../../shared/clock.js'
import {
  canExport,
  defaultPeriod,
  defaultScope,
  filtersQuery,
  periodProblem,
  readFilters,
  scopeQuery,
} from './filters.js'

const manager = [{ organization: { code: 'TDL' }, role: 'manager' as const }]
const viewer = [{ organization: { code: 'MHS' }, role: 'viewer' as const }]
const admin = [{ organization: { code: 'TDL' }, role: 'admin' as const }]

describe('review filters', () => {
  it('defaults to the last 30 Paris days, today included, across month and year ends', () => {
    assert.deepEqual(defaultPeriod('2026-11-30'), { from: '2026-11-01', to: '2026-11-30' })
    assert.deepEqual(defaultPeriod('2027-01-10'), { from: '2026-12-12', to: '2027-01-10' })
    // 2028 is a leap year: 29 days before 2028-03-01 is 2028-02-01.
    assert.deepEqual(defaultPeriod('2028-03-01'), { from: '2028-02-01', to: '2028-03-01' })
    // Daylight saving ends on 2026-10-25: days stay whole days.
    assert.equal(addDays('2026-10-24', 2), '2026-10-26')
  })

  it('lands an administrator on the network and others on their organisation', () => {
    assert.equal(defaultScope(admin), 'network')
    assert.equal(defaultScope(manager), 'organization:TDL')
    assert.equal(defaultScope(viewer), 'organization:MHS')
  })

  it('reads the URL query, replacing what is missing or unreadable by the defaults', () => {
    const query = new URLSearchParams('scope=organization:TDL&agency=NCY&from=2026-10-01&to=2026-10-31')
    assert.deepEqual(readFilters(query, manager, '2026-11-30'), {
      scope: 'organization:TDL',
      agency: 'NCY',
      from: '2026-10-01',
      to: '2026-10-31',
    })
    const bad = new URLSearchParams('scope=everything&from=2026-02-30&to=tomorrow&agency=NCY')
    assert.deepEqual(readFilters(bad, manager, '2026-11-30'), {
      scope: 'organization:TDL',
      agency: null,
      from: '2026-11-01',
      to: '2026-11-30',
    })
    // An agency only narrows an organisation.
    const campaign = new URLSearchParams('scope=campaign:abc&agency=NCY')
    assert.equal(readFilters(campaign, manager, '2026-11-30').agency, null)
  })

  it('writes the query in a stable order, the agency only with an organisation', () => {
    assert.equal(
      filtersQuery({ scope: 'organization:TDL', agency: 'NCY', from: '2026-11-01', to: '2026-11-30' }),
      'scope=organization%3ATDL&from=2026-11-01&to=2026-11-30&agency=NCY',
    )
    assert.equal(
      filtersQuery({ scope: 'network', agency: 'NCY', from: '2026-11-01', to: '2026-11-30' }),
      'scope=network&from=2026-11-01&to=2026-11-30',
    )
    // The API's query: the same fields, the agency left out rather than null.
    assert.deepEqual(scopeQuery({ scope: 'campaign:abc', agency: 'NCY', from: '2026-11-01', to: '2026-11-30' }), {
      scope: 'campaign:abc',
      from: '2026-11-01',
      to: '2026-11-30',
    })
  })

  it('checks the period', () => {
    assert.equal(isCalendarDay('2026-02-29'), false)
    assert.equal(isCalendarDay('2028-02-29'), true)
    assert.equal(periodProblem({ from: '2026-11-02', to: '2026-11-01' }), 'order')
    assert.equal(periodProblem({ from: '', to: '2026-11-01' }), 'fromInvalid')
    assert.equal(periodProblem({ from: '2026-11-01', to: '2026-13-01' }), 'toInvalid')
    assert.equal(periodProblem({ from: '2026-11-01', to: '2026-11-01' }), null)
  })

  it('never offers exports to a viewer', () => {
    assert.equal(canExport(viewer, 'organization:MHS'), false)
    assert.equal(canExport(viewer, 'network'), false)
    assert.equal(canExport(manager, 'organization:TDL'), true)
    assert.equal(canExport(manager, 'organization:MHS'), false)
    assert.equal(canExport(manager, 'network'), false)
    assert.equal(canExport(admin, 'network'), true)
    // A manager of one organisation who is a viewer of another gets no exports for the other.
    assert.equal(canExport([...manager, ...viewer], 'organization:MHS'), false)
  })
})
