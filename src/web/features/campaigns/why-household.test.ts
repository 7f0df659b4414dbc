import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { actualInWords, conditionInWords, priorityLines, valueInWords } from './why-household.js'

describe('« pourquoi ce ménage » in words', () => {
  it('says each condition with the builder’s operator labels', () => {
    const age = {
      holds: true,
      text: { fr: 'Âge 82 ≥ 75 ✓', en: '' },
      field: 'age',
      op: '>=',
      value: 75,
      actual: 82,
    } as const
    assert.equal(conditionInWords(age, 'fr'), 'Âge au moins 75')
    assert.equal(conditionInWords(age, 'en'), 'Age at least 75')
    assert.equal(actualInWords(age, 'fr'), '82')
    const alone = {
      holds: false,
      text: { fr: '', en: '' },
      field: 'livesAlone',
      op: '=',
      value: true,
      actual: false,
    } as const
    assert.equal(conditionInWords(alone, 'fr'), 'Vit seul·e est oui')
    assert.equal(actualInWords(alone, 'fr'), 'non')
    const works = {
      holds: false,
      text: { fr: '', en: '' },
      field: 'worksProgramme',
      op: 'isSet',
      actual: null,
    } as const
    assert.equal(conditionInWords(works, 'fr'), 'Travaux est renseigné')
    assert.equal(actualInWords(works, 'fr'), 'inconnu')
  })

  it('names levels, dates, amounts, lists and codes', () => {
    assert.equal(valueInWords('fragilityLevel', 'high_vulnerability', 'fr'), 'Très grande vulnérabilité')
    assert.equal(valueInWords('leaseStart', '2000-01-31', 'fr'), '31/01/2000')
    assert.equal(valueInWords('arrears', 500, 'fr'), '500,00\u00a0€')
    const names = { agency: new Map([['NANCY', 'Agence de Nancy']]) }
    assert.equal(valueInWords('agency', ['NANCY', 'METZ'], 'fr', names), 'Agence de Nancy (NANCY) ou METZ')
    const group = {
      holds: true,
      text: { fr: 'Toutes les conditions ✓', en: 'All of these ✓' },
      combinator: 'all',
    } as const
    assert.equal(conditionInWords(group, 'en'), 'All of these ✓')
  })

  it('adds the priority points line by line and says when the total is capped', () => {
    const label = { fr: 'Âge 85 ans ou plus', en: '85 or older' }
    assert.deepEqual(
      priorityLines(
        {
          score: 70,
          reasons: [
            { key: 'age85', points: 40, label },
            { key: 'alone', points: 30, label },
          ],
        },
        'fr',
      ),
      {
        lines: [
          { key: 'age85', label: 'Âge 85 ans ou plus', points: 40 },
          { key: 'alone', label: 'Âge 85 ans ou plus', points: 30 },
        ],
        sum: 70,
        total: 70,
        capped: false,
      },
    )
    assert.equal(
      priorityLines(
        {
          score: 100,
          reasons: [
            { key: 'a', points: 80, label },
            { key: 'b', points: 40, label },
          ],
        },
        'fr',
      ).capped,
      true,
    )
  })
})
