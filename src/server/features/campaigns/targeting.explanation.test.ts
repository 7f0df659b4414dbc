import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { household, TODAY } from './targeting.fixtures.js'
import { evaluateRule, explainRule, type Rule, validateRule } from './targeting.js'

const NBSP = '\u00a0'
const _matches = (rule: Rule, fields: Parameters<typeof household>[0], today = TODAY) =>
  evaluateRule(validateRule(rule), household(fields), today)

describe('explainRule', () => {
  it('says which condition held, with the household’s value, in French and English', () => {
    const explanation = explainRule(
      validateRule({
        all: [
          { field: 'age', op: '>=', value: 75 },
          { field: 'livesAlone', op: '=', value: true },
        ],
      }),
      household({ birthDate: '1944-05-01', livesAlone: 0 }),
      TODAY,
    )
    assert.equal(explanation.holds, false)
    assert.deepEqual(explanation.text, { fr: 'Toutes les conditions ✗', en: 'All of these ✗' })
    assert.equal(explanation.combinator, 'all', 'a group says which kind it is')
    assert.deepEqual(
      explanation.children?.map((child) => child.text),
      [
        { fr: 'Âge 82 ≥ 75 ✓', en: 'Age 82 ≥ 75 ✓' },
        { fr: 'Vit seul·e non = oui ✗', en: 'Lives alone no = yes ✗' },
      ],
    )
    assert.deepEqual(
      { ...explanation.children![0], text: undefined },
      { holds: true, text: undefined, field: 'age', op: '>=', value: 75, actual: 82 },
    )
  })

  it('shows unknown values, lists, amounts, levels, dates and set/not set', () => {
    const someone = household({
      agencyId: 'a1',
      agencyCode: 'NANCY',
      arrearsCents: 62_050,
      fragilityLevel: 'high_vulnerability',
      leaseStart: '1998-09-01',
      worksProgramme: 'Isolation Borny',
      lastContactedAt: '2026-10-31T23:30:00.000Z',
    })
    const textOf = (rule: unknown) => explainRule(validateRule(rule), someone, TODAY).text
    assert.deepEqual(textOf({ field: 'age', op: '>=', value: 75 }), {
      fr: 'Âge inconnu ≥ 75 ✗',
      en: 'Age unknown ≥ 75 ✗',
    })
    assert.deepEqual(textOf({ field: 'agency', op: 'in', value: ['NANCY', 'METZ'] }), {
      fr: 'Agence NANCY ∈ {NANCY, METZ} ✓',
      en: 'Agency NANCY ∈ {NANCY, METZ} ✓',
    })
    assert.deepEqual(textOf({ field: 'arrears', op: '>', value: 500 }), {
      fr: `Impayé 620,5${NBSP}€ > 500${NBSP}€ ✓`,
      en: 'Arrears €620.5 > €500 ✓',
    })
    assert.deepEqual(textOf({ field: 'fragilityLevel', op: '>=', value: 'fragile' }), {
      fr: 'Fragilité grande vulnérabilité ≥ fragile ✓',
      en: 'Fragility high vulnerability ≥ fragile ✓',
    })
    assert.deepEqual(textOf({ field: 'leaseStart', op: '<', value: '2000-01-01' }), {
      fr: 'Entrée dans les lieux 01/09/1998 < 01/01/2000 ✓',
      en: 'Lease start 1998-09-01 < 2000-01-01 ✓',
    })
    assert.deepEqual(textOf({ field: 'lastContactedAt', op: '<', value: '2026-11-01' }), {
      fr: 'Dernier contact 01/11/2026 < 01/11/2026 ✗',
      en: 'Last contact 2026-11-01 < 2026-11-01 ✗',
    })
    assert.deepEqual(textOf({ field: 'worksProgramme', op: 'isSet' }), {
      fr: 'Travaux renseigné (Isolation Borny) ✓',
      en: 'Works programme set (Isolation Borny) ✓',
    })
    assert.deepEqual(textOf({ field: 'floor', op: 'isNotSet' }), { fr: 'Étage non renseigné ✓', en: 'Floor not set ✓' })
    const unless = explainRule(validateRule({ not: { field: 'city', op: '=', value: 'Metz' } }), someone, TODAY)
    assert.deepEqual(unless.text, { fr: 'Sauf si : ✓', en: 'Unless: ✓' })
    assert.deepEqual(unless.children![0].text, { fr: 'Commune inconnu = Metz ✗', en: 'City unknown = Metz ✗' })
  })
})
