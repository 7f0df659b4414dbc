import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import i18n from './index.js'

type Tree = { [key: string]: string | Tree }

function leaves(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : leaves(value, `${prefix}${key}.`),
  )
}

const resources = (language: string) => leaves(i18n.getResourceBundle(language, 'translation') as Tree)
const t = (language: string) => i18n.getFixedT(language)

describe('the interface words', () => {
  for (const language of ['fr', 'en']) {
    it(`never count with « (s) » in ${language}: plurals come from i18next`, () => {
      const counted = resources(language).filter(([, text]) => /\w\(s\)/.test(text))
      assert.deepEqual(counted, [])
    })

    it(`nest only words that exist in ${language}`, () => {
      const keys = new Set(resources(language).map(([key]) => key.replace(/_(zero|one|other)$/, '')))
      const missing = resources(language).flatMap(([key, text]) =>
        [...text.matchAll(/\$t\(([\w.]+)/g)]
          .map((m) => m[1])
          .filter((nested) => !keys.has(nested))
          .map((n) => `${key} → ${n}`),
      )
      assert.deepEqual(missing, [])
    })
  }

  it('has French typographic spaces in every French text: none plain before ? ! ; : nor inside « »', () => {
    const texts = resources('fr')
    assert.ok(texts.length > 500, `the whole French resource (${texts.length} texts)`)
    const wrong = texts.filter(([, text]) => / [?!;:]|« | »/.test(text)).map(([key, text]) => `${key}: ${text}`)
    assert.deepEqual(wrong, [])
    // They were written with plain spaces: the check looks at what the interface shows, not at a clean source.
    assert.ok(texts.some(([, text]) => text.includes('\u202f?')) && texts.some(([, text]) => text.includes('\u00a0:')))
    // English keeps its own spaces.
    assert.ok(resources('en').every(([, text]) => !/[\u202f]/.test(text)))
  })

  it('agrees counts in French: 0 and 1 singular, from 2 plural, decimals below 2 singular', () => {
    const fr = t('fr')
    assert.equal(fr('campaigns.targeting.count', { count: 0 }), '0 ménage correspond')
    assert.equal(fr('campaigns.targeting.count', { count: 1 }), '1 ménage correspond')
    assert.equal(fr('campaigns.targeting.count', { count: 483 }), '483 ménages correspondent')
    assert.equal(
      fr('planning.estimate', { callers: 1, hours: '5', days: 1, weeks: '0,1', weeksCount: 0.1 }),
      'Avec 1 appelant à 5 h par semaine\u00a0: environ 1 jour (0,1 semaine).',
    )
    assert.equal(
      fr('planning.estimate', { callers: 7, hours: '5', days: 8, weeks: '1,1', weeksCount: 1.1 }),
      'Avec 7 appelants à 5 h par semaine\u00a0: environ 8 jours (1,1 semaine).',
    )
    assert.equal(
      fr('campaigns.confirm.pause', { count: 112 }),
      'Les appelants ne recevront plus de ménage de cette campagne\u202f; les 112 ménages restants attendront la reprise.',
    )
    assert.equal(
      fr('builder.questionnaire.removeSectionText', { count: 0 }),
      'Aucune question ne sera retirée de la prochaine version, et les conditions qui en dépendent aussi.',
    )
    assert.equal(
      fr('campaigns.targeting.saved', { added: 1, removed: 0, restored: 2 }),
      'Cible enregistrée\u00a0: 1 ajouté, 0 retiré, 2 revenus.',
    )
  })

  it('agrees counts in English', () => {
    const en = t('en')
    assert.equal(en('campaigns.targeting.count', { count: 1 }), '1 household matches')
    assert.equal(en('campaigns.targeting.count', { count: 0 }), '0 households match')
    assert.equal(
      en('planning.estimate', { callers: 1, hours: '5', days: 8, weeks: '1.1', weeksCount: 1.1 }),
      'With 1 caller at 5 h a week: about 8 days (1.1 weeks).',
    )
  })
})
