import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  findSensitiveWords,
  SENSITIVE_ADVICE,
  SENSITIVE_CATEGORIES,
  SENSITIVE_WORDS,
  sensitiveCategoriesOf,
} from './sensitive-words.js'

test('finds the words the CNIL served a landlord over, whatever the case and accents', () => {
  const found = findSensitiveWords(
    'Mme X, ALZHEIMER débutant ; fils alcoolique ; Violence conjugale signalée par la voisine.',
  )
  assert.deepEqual(found, [
    { category: 'health', words: 'ALZHEIMER' },
    { category: 'health', words: 'alcoolique' },
    { category: 'offence', words: 'Violence conjugale' },
  ])
})

test('matches whole words only: everyday words that merely contain a listed one stay quiet', () => {
  for (const text of [
    'Violent orage, fenêtre condamnée, secteur nord, droguerie fermée',
    'Le volet est cassé, le vollet aussi',
    'Aimerait un appel le mardi ; démenti sur la date de visite',
    'Besoin de courses, voisine présente, appartement au 3e',
  ]) {
    assert.deepEqual(findSensitiveWords(text), [], text)
  }
  assert.deepEqual(findSensitiveWords('Signale un vol dans la cave'), [{ category: 'offence', words: 'vol' }])
})

test('names each category a text touches once, for the DPO count', () => {
  assert.deepEqual(sensitiveCategoriesOf('musulman pratiquant, dépressif, dépression ancienne'), ['religion', 'health'])
  assert.deepEqual(sensitiveCategoriesOf(''), [])
  assert.deepEqual(sensitiveCategoriesOf(null), [])
  assert.deepEqual(sensitiveCategoriesOf('Souhaite une visite, pas de difficulté'), [])
})

test('matches a phrase across apostrophes, hyphens and line breaks, and a prefix entry on its derived words', () => {
  assert.deepEqual(sensitiveCategoriesOf('vit avec des sans-papiers'), ['origin'])
  assert.deepEqual(sensitiveCategoriesOf('tentative de\nsuicide'), ['health'])
  assert.deepEqual(findSensitiveWords('Homosexualité évoquée'), [{ category: 'sexual_life', words: 'Homosexualité' }])
})

test('every category has words and advice in both languages, and no entry is written twice', () => {
  for (const category of SENSITIVE_CATEGORIES) {
    assert.ok(SENSITIVE_WORDS[category].length > 0, category)
    assert.ok(SENSITIVE_ADVICE[category].fr.length > 20 && SENSITIVE_ADVICE[category].en.length > 20, category)
  }
  const all = SENSITIVE_CATEGORIES.flatMap((category) => SENSITIVE_WORDS[category])
  assert.equal(new Set(all).size, all.length)
})

test('checks a long note quickly and bounds what it reads', () => {
  const note = 'Visite prévue, besoin de courses et de lien. '.repeat(500)
  const started = performance.now()
  for (let run = 0; run < 20; run++) findSensitiveWords(note)
  const perRun = (performance.now() - started) / 20
  assert.ok(perRun < 50, `${perRun.toFixed(1)} ms per 22,000-character note`)
  assert.deepEqual(findSensitiveWords(`${'a '.repeat(15_000)}alcoolique`), [])
})
