import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { isCalendarDay, parisPeriodBounds, parisWallClock } from '../../../shared/clock.js'
import type { Role } from '../../../shared/roles.js'
import { decideExportAccess, VIEWER_REFUSAL } from './exports.access.js'
import {
  callCells,
  csvValue,
  exportFileName,
  formatFrenchPhone,
  formatParisDateTime,
  referralCells,
  unreachableCells,
} from './exports.format.js'

describe('export formatting', () => {
  it('shows instants as Europe/Paris dates and times, winter and summer', () => {
    assert.equal(formatParisDateTime('2026-12-31T23:30:00.000Z'), '01/01/2027 00:30')
    assert.equal(formatParisDateTime('2026-07-14T08:05:00.000Z'), '14/07/2026 10:05')
    // The night clocks go back (25 October 2026): 00:30 UTC is 02:30 summer time, 01:30 UTC is 02:30 winter time.
    assert.equal(formatParisDateTime('2026-10-25T00:30:00.000Z'), '25/10/2026 02:30')
    assert.equal(formatParisDateTime('2026-10-25T01:30:00.000Z'), '25/10/2026 02:30')
    assert.equal(parisWallClock('2026-12-31T23:30:00.000Z').toISOString(), '2027-01-01T00:30:00.000Z')
  })

  it('formats like a time-zone library would, at any instant of several years (property)', () => {
    const reference = new Intl.DateTimeFormat('fr-FR', {
      timeZone: 'Europe/Paris',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
        (date) => {
          assert.equal(formatParisDateTime(date.toISOString()), reference.format(date).replace(',', ''))
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('bounds Paris days in UTC across daylight saving', () => {
    assert.deepEqual(parisPeriodBounds('2026-12-01', '2026-12-31'), {
      start: '2026-11-30T23:00:00.000Z',
      end: '2026-12-31T23:00:00.000Z',
    })
    assert.deepEqual(parisPeriodBounds('2026-03-29', '2026-03-29'), {
      start: '2026-03-28T23:00:00.000Z',
      end: '2026-03-29T22:00:00.000Z',
    })
  })

  it('puts every instant in the range exactly when its Paris day is in the period (property)', () => {
    const paris = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' })
    const day = fc
      .date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true })
      .map((date) => date.toISOString().slice(0, 10))
    fc.assert(
      fc.property(
        day,
        day,
        fc.date({ min: new Date('2023-12-01T00:00:00Z'), max: new Date('2029-02-01T00:00:00Z'), noInvalidDate: true }),
        (a, b, instant) => {
          const [from, to] = a <= b ? [a, b] : [b, a]
          const { start, end } = parisPeriodBounds(from, to)
          const iso = instant.toISOString()
          const parisDay = paris.format(instant)
          assert.equal(iso >= start && iso < end, parisDay >= from && parisDay <= to)
        },
      ),
    )
  })

  it('accepts only real calendar days', () => {
    assert.equal(isCalendarDay('2028-02-29'), true)
    assert.equal(isCalendarDay('2026-02-29'), false)
    assert.equal(isCalendarDay('2026-13-01'), false)
    assert.equal(isCalendarDay('01/12/2026'), false)
  })

  it('formats French numbers for dialling and leaves others alone', () => {
    assert.equal(formatFrenchPhone('+33612345678'), '06 12 34 56 78')
    assert.equal(formatFrenchPhone('+441632960961'), '+441632960961')
  })

  it('labels a call in French and keeps cells typed', () => {
    const cells = callCells({
      createdAt: '2026-12-01T09:00:00.000Z',
      campaignName: 'Canicule',
      externalRef: 'R1',
      callerName: 'Ana',
      attempt: 2,
      disposition: 'no_answer',
      durationSeconds: null,
      fragilityLevel: 'high_vulnerability',
      needs: '["food","income_loss"]',
    })
    assert.deepEqual(cells.map(csvValue), [
      '01/12/2026 10:00',
      'Canicule',
      'R1',
      'Ana',
      '2',
      'Pas de réponse',
      '',
      'Très grande vulnérabilité',
      'Alimentation, Perte d’emploi ou de revenus',
    ])
  })

  it('hides the household and need of a finished referral from an outside partner only', () => {
    const row = {
      createdAt: '2026-12-01T09:00:00.000Z',
      externalRef: 'R1',
      category: 'food',
      urgency: 'routine',
      status: 'done',
      senderName: 'Bailleur',
      recipientName: 'CCAS',
      senderOrganizationId: 'landlord',
      recipientOrganizationId: 'partner',
      recipientTeam: null,
      consentGiven: 0,
      overrideReason: 'danger immédiat',
      dueAcceptBy: '2026-12-02T09:00:00.000Z',
      acceptedAt: null,
      dueResolveBy: '2026-12-09T09:00:00.000Z',
      closedAt: '2026-12-05T09:00:00.000Z',
    }
    const asPartner = referralCells(row, new Set(['partner']))
    assert.equal(asPartner[1], null)
    assert.equal(asPartner[2], null)
    assert.equal(asPartner[8], 'Dérogation')
    const asSender = referralCells(row, new Set())
    assert.equal(asSender[1], 'R1')
    assert.equal(asSender[2], 'Alimentation')
    const active = referralCells({ ...row, status: 'accepted' }, new Set(['partner']))
    assert.equal(active[1], 'R1')
  })

  it('names files by dataset, scope and period with safe characters', () => {
    assert.equal(
      exportFileName('unreachable', 'Hôtel de Ville/Est', '2026-12-01', '2026-12-31', 'xlsx'),
      'injoignables_Hotel-de-Ville-Est_2026-12-01_2026-12-31.xlsx',
    )
  })

  it('decides who may export what from the roles held in the organisation, through the policy', () => {
    const access = (dataset: 'calls' | 'referrals' | 'unreachable', roles: Role[]) =>
      decideExportAccess(dataset, { memberships: roles.map((role) => ({ organizationId: 'org', role })) }, 'org')
    assert.deepEqual(access('calls', ['manager']), { allowed: true, partnerOnly: false })
    assert.deepEqual(access('unreachable', ['admin']), { allowed: true, partnerOnly: false })
    assert.deepEqual(access('referrals', ['social_worker']), { allowed: true, partnerOnly: false })
    assert.deepEqual(access('referrals', ['partner']), { allowed: true, partnerOnly: true })
    assert.deepEqual(access('referrals', ['partner', 'manager']), { allowed: true, partnerOnly: false })
    assert.deepEqual(access('calls', ['viewer']), { allowed: false, status: 403, message: VIEWER_REFUSAL })
    assert.equal(access('calls', ['caller']).allowed, false)
    assert.equal(access('calls', ['social_worker']).allowed, false)
    assert.equal(access('calls', ['partner']).allowed, false)
    assert.deepEqual(access('calls', []), { allowed: false, status: 404, message: 'No such organisation' })
    // Roles in another organisation count for nothing here.
    const elsewhere = decideExportAccess('calls', { memberships: [{ organizationId: 'other', role: 'admin' }] }, 'org')
    assert.equal(elsewhere.allowed, false)
  })

  it('names why an unreachable household was never called: no usable number, for a letter or a visit', () => {
    const row = {
      externalRef: 'R1',
      lastName: 'Bernard',
      firstName: null,
      addressLine1: '1 rue des Lilas',
      addressLine2: null,
      postcode: '54000',
      city: 'Nancy',
      phonesTried: null,
      attempts: 0,
      lastCalledAt: null,
      lastDisposition: null,
      campaignName: 'Canicule',
    }
    assert.equal(unreachableCells(row)[10], 'Aucun numéro utilisable')
    const called = unreachableCells({ ...row, attempts: 5, lastDisposition: 'no_answer', phonesTried: '+33612345678' })
    assert.notEqual(called[10], 'Aucun numéro utilisable')
    assert.equal(called[7], '06 12 34 56 78')
  })
})
