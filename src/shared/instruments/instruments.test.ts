import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  FRAIL,
  hasLostMoreThanFivePercent,
  ILLNESS_CODES,
  INSTRUMENT_CODES,
  INSTRUMENTS,
  InstrumentAnswerError,
  type InstrumentCode,
  type InstrumentResult,
  isInstrumentCode,
  LSNS6,
  scoreInstrument,
  suggestedNeeds,
  UnknownInstrumentError,
} from './index.js'

const INCOMPLETE = { score: null, category: null, complete: false }

const EPICES_ITEMS = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9', 'q10', 'q11']
/** Every EPICES question answered: oui for the listed ones, non for the others. */
function epicesWithYes(...yesItems: string[]): Record<string, boolean> {
  return Object.fromEntries(EPICES_ITEMS.map((item) => [item, yesItems.includes(item)]))
}

function lsns(family: [number, number, number], friends: [number, number, number]) {
  return {
    family1: family[0],
    family2: family[1],
    family3: family[2],
    friends1: friends[0],
    friends2: friends[1],
    friends3: friends[2],
  }
}

const ROBUST: Record<string, unknown> = {
  fatigue: 'none',
  resistance: false,
  ambulation: false,
  illnesses: [],
  weightNowKg: 70,
  weightYearAgoKg: 70,
}

const FOOD_SECURE: Record<string, unknown> = { hh3: 'never', hh4: 'never', ad1: false, ad2: false, ad3: false }

/** Runs `act`, expects an InstrumentAnswerError, and returns it for further checks. */
function answerErrorOf(act: () => unknown): InstrumentAnswerError {
  try {
    act()
  } catch (error) {
    assert.ok(error instanceof InstrumentAnswerError, `expected an InstrumentAnswerError, got ${String(error)}`)
    return error
  }
  assert.fail('expected an InstrumentAnswerError, but nothing was thrown')
}

function assertRejects(code: InstrumentCode, answers: Record<string, unknown>, item: string, value: unknown) {
  const error = answerErrorOf(() => scoreInstrument(code, answers))
  assert.equal(error.item, item)
  assert.deepEqual(error.value, value)
  assert.match(error.message, new RegExp(`"${item}"`))
}

describe('EPICES', () => {
  it('scores 75.14 and precarious, quintile 5, when every question is answered non', () => {
    assert.deepEqual(scoreInstrument('epices', epicesWithYes()), {
      score: 75.14,
      category: 'precarious',
      complete: true,
      details: { quintile: 5 },
    })
  })

  it('adds each published coefficient to 75.14 when only that question is answered oui', () => {
    const expected: Record<string, number> = {
      q1: 85.2,
      q2: 63.31,
      q3: 66.86,
      q4: 66.86,
      q5: 89.94,
      q6: 68.63,
      q7: 68.04,
      q8: 68.04,
      q9: 65.67,
      q10: 65.67,
      q11: 68.04,
    }
    for (const [item, score] of Object.entries(expected)) {
      assert.equal(scoreInstrument('epices', epicesWithYes(item)).score, score, item)
    }
  })

  it('reaches exactly 100 (oui to the social worker and financial difficulty questions only)', () => {
    const result = scoreInstrument('epices', epicesWithYes('q1', 'q5'))
    assert.equal(result.score, 100)
    assert.equal(result.category, 'precarious')
    assert.deepEqual(result.details, { quintile: 5 })
  })

  it('reaches exactly 0 (oui to every question but those two)', () => {
    const result = scoreInstrument('epices', epicesWithYes('q2', 'q3', 'q4', 'q6', 'q7', 'q8', 'q9', 'q10', 'q11'))
    assert.equal(result.score, 0)
    assert.equal(result.category, 'not_precarious')
    assert.deepEqual(result.details, { quintile: 1 })
  })

  it('gives exactly 29.59, not 29.590000000000003, and not precarious, on the floating-point answer set', () => {
    const yes = ['q2', 'q3', 'q5', 'q7', 'q8', 'q9', 'q10', 'q11']
    const coefficients = [-11.83, -8.28, 14.8, -7.1, -7.1, -9.47, -9.47, -7.1]
    // Shows this answer set is the trap: adding the decimals then 75.14 in floating point misses 29.59.
    assert.equal(75.14 + coefficients.reduce((sum, value) => sum + value, 0), 29.590000000000003)
    const result = scoreInstrument('epices', epicesWithYes(...yes))
    assert.equal(result.score, 29.59)
    assert.equal(result.category, 'not_precarious')
    assert.deepEqual(result.details, { quintile: 3 })
  })

  it('gives 29.59 with home ownership in place of living as a couple (same coefficient)', () => {
    const result = scoreInstrument('epices', epicesWithYes('q2', 'q4', 'q5', 'q7', 'q8', 'q9', 'q10', 'q11'))
    assert.equal(result.score, 29.59)
    assert.equal(result.category, 'not_precarious')
  })

  it('classes a score of exactly 30.17 as precarious, quintile 4', () => {
    const result = scoreInstrument('epices', epicesWithYes('q2', 'q7', 'q8', 'q9', 'q10'))
    assert.equal(result.score, 30.17)
    assert.equal(result.category, 'precarious')
    assert.deepEqual(result.details, { quintile: 4 })
  })

  it('classes 30.17 as precarious where adding the decimals in order would give 30.169999999999995', () => {
    const yes = ['q1', 'q3', 'q6', 'q7', 'q8', 'q9', 'q10', 'q11']
    const inOrder = [10.06, -8.28, -6.51, -7.1, -7.1, -9.47, -9.47, -7.1].reduce((sum, value) => sum + value, 75.14)
    assert.ok(inOrder < 30.17, 'this answer set falls below the cut-off in naive floating point')
    const result = scoreInstrument('epices', epicesWithYes(...yes))
    assert.equal(result.score, 30.17)
    assert.equal(result.category, 'precarious')
  })

  it('puts each quintile lower bound in the upper band and the score just below it in the lower band', () => {
    const cases: Array<[string[], number, number]> = [
      [['q2', 'q3', 'q4', 'q7', 'q8', 'q9', 'q10', 'q11'], 6.51, 1],
      [['q2', 'q3', 'q4', 'q6', 'q7', 'q8', 'q9', 'q10'], 7.1, 2],
      [['q2', 'q3', 'q4', 'q7', 'q8', 'q9', 'q11'], 15.98, 2],
      [['q2', 'q6', 'q7', 'q8', 'q9', 'q10', 'q11'], 16.56, 3],
      [['q2', 'q3', 'q6'], 48.52, 4],
      [['q2', 'q3', 'q5', 'q7', 'q8', 'q11'], 48.53, 5],
    ]
    for (const [yes, score, quintile] of cases) {
      const result = scoreInstrument('epices', epicesWithYes(...yes))
      assert.equal(result.score, score, yes.join(','))
      assert.deepEqual(result.details, { quintile }, `${score}`)
    }
  })

  it('has no possible score strictly between 29.59 and 30.17 (all 2,048 answer sets)', () => {
    const scores = new Set<number>()
    for (let mask = 0; mask < 2 ** 11; mask++) {
      const yes = EPICES_ITEMS.filter((_, index) => mask & (1 << index))
      scores.add(scoreInstrument('epices', epicesWithYes(...yes)).score as number)
    }
    assert.equal(Math.max(...[...scores].filter((score) => score < 30.17)), 29.59)
    assert.ok(scores.has(30.17))
    assert.equal(Math.min(...scores), 0)
    assert.equal(Math.max(...scores), 100)
  })

  it('is incomplete, with no score, when a question is undefined, null or absent', () => {
    assert.deepEqual(scoreInstrument('epices', { ...epicesWithYes(), q7: undefined }), INCOMPLETE)
    assert.deepEqual(scoreInstrument('epices', { ...epicesWithYes(), q11: null }), INCOMPLETE)
    const { q5: _omitted, ...withoutQ5 } = epicesWithYes('q5')
    assert.deepEqual(scoreInstrument('epices', withoutQ5), INCOMPLETE)
    assert.deepEqual(scoreInstrument('epices', {}), INCOMPLETE)
  })

  it('rejects "oui" as text, naming the item and the allowed answers', () => {
    const error = answerErrorOf(() => scoreInstrument('epices', { ...epicesWithYes(), q3: 'oui' }))
    assert.equal(error.item, 'q3')
    assert.equal(error.value, 'oui')
    assert.match(error.message, /"q3"/)
    assert.match(error.message, /true \(Yes\)/)
    assert.match(error.message, /false \(No\)/)
  })

  it('rejects 1 and 0 in place of booleans', () => {
    assertRejects('epices', { ...epicesWithYes(), q1: 1 }, 'q1', 1)
    assertRejects('epices', { ...epicesWithYes(), q2: 0 }, 'q2', 0)
  })

  it('rejects an invalid answer even when another question is missing', () => {
    assertRejects('epices', { q1: true, q2: 'yes' }, 'q2', 'yes')
  })

  it('rejects an answer key that is not an EPICES question, naming the key', () => {
    const error = answerErrorOf(() => scoreInstrument('epices', { ...epicesWithYes(), q12: true }))
    assert.equal(error.item, 'q12')
    assert.match(error.message, /"q12"/)
  })
})

describe('LSNS-6', () => {
  it('scores 0, at risk, with both sides limited, when nobody is counted', () => {
    assert.deepEqual(scoreInstrument('lsns6', lsns([0, 0, 0], [0, 0, 0])), {
      score: 0,
      category: 'at_risk',
      complete: true,
      details: { family: 0, friends: 0, familyLimited: true, friendsLimited: true },
    })
  })

  it('scores 30, not at risk, when every answer is nine or more', () => {
    const result = scoreInstrument('lsns6', lsns([5, 5, 5], [5, 5, 5]))
    assert.equal(result.score, 30)
    assert.equal(result.category, 'not_at_risk')
  })

  it('is at risk at 11 and not at risk at 12', () => {
    assert.equal(scoreInstrument('lsns6', lsns([2, 2, 2], [2, 2, 1])).category, 'at_risk')
    assert.equal(scoreInstrument('lsns6', lsns([2, 2, 2], [2, 2, 1])).score, 11)
    assert.equal(scoreInstrument('lsns6', lsns([2, 2, 2], [2, 2, 2])).category, 'not_at_risk')
    assert.equal(scoreInstrument('lsns6', lsns([2, 2, 2], [2, 2, 2])).score, 12)
  })

  it('marks a side limited at a sub-score of 5 and not at 6', () => {
    assert.deepEqual(scoreInstrument('lsns6', lsns([2, 2, 2], [2, 2, 1])).details, {
      family: 6,
      friends: 5,
      familyLimited: false,
      friendsLimited: true,
    })
    assert.deepEqual(scoreInstrument('lsns6', lsns([1, 2, 2], [2, 2, 2])).details, {
      family: 5,
      friends: 6,
      familyLimited: true,
      friendsLimited: false,
    })
  })

  it('can mark one side limited while the total is not at risk', () => {
    const result = scoreInstrument('lsns6', lsns([5, 5, 5], [0, 0, 0]))
    assert.equal(result.category, 'not_at_risk')
    assert.deepEqual(result.details, { family: 15, friends: 0, familyLimited: false, friendsLimited: true })
  })

  it('adds the answer codes, not numbers of people ("three or four" counts 3)', () => {
    assert.equal(scoreInstrument('lsns6', lsns([3, 3, 3], [3, 3, 3])).score, 18)
  })

  it('rejects codes outside 0–5, fractions, text and booleans, listing the options', () => {
    assertRejects('lsns6', lsns([6, 0, 0], [0, 0, 0]), 'family1', 6)
    assertRejects('lsns6', lsns([0, -1, 0], [0, 0, 0]), 'family2', -1)
    assertRejects('lsns6', lsns([0, 0, 2.5], [0, 0, 0]), 'family3', 2.5)
    assertRejects('lsns6', { ...lsns([0, 0, 0], [0, 0, 0]), friends1: '3' }, 'friends1', '3')
    assertRejects('lsns6', { ...lsns([0, 0, 0], [0, 0, 0]), friends2: true }, 'friends2', true)
    const error = answerErrorOf(() => scoreInstrument('lsns6', lsns([0, 0, 0], [0, 0, 9])))
    assert.match(error.message, /"friends3"/)
    assert.match(error.message, /0 \(None\).*3 \(Three or four\).*5 \(Nine or more\)/)
  })

  it('is incomplete when one of the six answers is missing', () => {
    assert.deepEqual(scoreInstrument('lsns6', { ...lsns([5, 5, 5], [5, 5, 5]), friends3: null }), INCOMPLETE)
    assert.deepEqual(scoreInstrument('lsns6', { ...lsns([5, 5, 5], [5, 5, 5]), family1: undefined }), INCOMPLETE)
  })

  it('rejects an answer key that is not an LSNS-6 item', () => {
    assertRejects('lsns6', { ...lsns([1, 1, 1], [1, 1, 1]), family4: 1 }, 'family4', 1)
  })
})

describe('UCLA 3-item loneliness scale', () => {
  it('is not lonely at 5 and lonely at 6', () => {
    assert.deepEqual(scoreInstrument('ucla3', { q1: 1, q2: 2, q3: 2 }), {
      score: 5,
      category: 'not_lonely',
      complete: true,
    })
    assert.deepEqual(scoreInstrument('ucla3', { q1: 2, q2: 2, q3: 2 }), {
      score: 6,
      category: 'lonely',
      complete: true,
    })
  })

  it('ranges from 3 (hardly ever to all) to 9 (often to all)', () => {
    assert.equal(scoreInstrument('ucla3', { q1: 1, q2: 1, q3: 1 }).score, 3)
    assert.equal(scoreInstrument('ucla3', { q1: 3, q2: 3, q3: 3 }).score, 9)
  })

  it('rejects 0, 4 and text answers, naming the item', () => {
    assertRejects('ucla3', { q1: 0, q2: 1, q3: 1 }, 'q1', 0)
    assertRejects('ucla3', { q1: 1, q2: 4, q3: 1 }, 'q2', 4)
    assertRejects('ucla3', { q1: 1, q2: 1, q3: 'often' }, 'q3', 'often')
  })

  it('is incomplete when an item is missing', () => {
    assert.deepEqual(scoreInstrument('ucla3', { q1: 3, q2: 3 }), INCOMPLETE)
    assert.deepEqual(scoreInstrument('ucla3', { q1: 3, q2: null, q3: 3 }), INCOMPLETE)
  })
})

describe('FRAIL', () => {
  it('scores 0, robust, with every component at 0', () => {
    assert.deepEqual(scoreInstrument('frail', ROBUST), {
      score: 0,
      category: 'robust',
      complete: true,
      details: { fatigue: 0, resistance: 0, ambulation: 0, illnesses: 0, weightLoss: 0 },
    })
  })

  it('gives the fatigue point for tired all or most of the time only', () => {
    const points = ['all', 'most', 'some', 'little', 'none'].map(
      (fatigue) => scoreInstrument('frail', { ...ROBUST, fatigue }).details?.fatigue,
    )
    assert.deepEqual(points, [1, 1, 0, 0, 0])
  })

  it('gives one point each for difficulty with 10 steps and with several hundred metres', () => {
    assert.deepEqual(scoreInstrument('frail', { ...ROBUST, resistance: true, ambulation: true }).details, {
      fatigue: 0,
      resistance: 1,
      ambulation: 1,
      illnesses: 0,
      weightLoss: 0,
    })
  })

  it('gives no illness point for 4 illnesses and one point for 5', () => {
    const four = ILLNESS_CODES.slice(0, 4)
    const five = ILLNESS_CODES.slice(0, 5)
    assert.equal(scoreInstrument('frail', { ...ROBUST, illnesses: four }).details?.illnesses, 0)
    assert.equal(scoreInstrument('frail', { ...ROBUST, illnesses: five }).details?.illnesses, 1)
    assert.equal(scoreInstrument('frail', { ...ROBUST, illnesses: [...ILLNESS_CODES] }).details?.illnesses, 1)
  })

  it('counts an illness named twice once', () => {
    const fourWithDuplicate = ['diabetes', 'asthma', 'stroke', 'angina', 'diabetes']
    assert.equal(scoreInstrument('frail', { ...ROBUST, illnesses: fourWithDuplicate }).details?.illnesses, 0)
  })

  it('gives no weight point for exactly 5% lost and a point for just over 5%', () => {
    assert.equal(scoreInstrument('frail', { ...ROBUST, weightNowKg: 95, weightYearAgoKg: 100 }).details?.weightLoss, 0)
    assert.equal(
      scoreInstrument('frail', { ...ROBUST, weightNowKg: 94.99, weightYearAgoKg: 100 }).details?.weightLoss,
      1,
    )
  })

  it('gives no weight point for exactly 5% where the floating-point percentage reads 5.000000000000006', () => {
    assert.ok(((80.2 - 76.19) / 80.2) * 100 > 5, 'the naive formula would give the point')
    assert.equal(
      scoreInstrument('frail', { ...ROBUST, weightNowKg: 76.19, weightYearAgoKg: 80.2 }).details?.weightLoss,
      0,
    )
    assert.equal(
      scoreInstrument('frail', { ...ROBUST, weightNowKg: 76.18, weightYearAgoKg: 80.2 }).details?.weightLoss,
      1,
    )
  })

  it('gives no weight point for a weight gain', () => {
    assert.equal(scoreInstrument('frail', { ...ROBUST, weightNowKg: 90, weightYearAgoKg: 60 }).details?.weightLoss, 0)
  })

  it('is robust at 0, pre-frail at 1 and 2, frail at 3 and 5', () => {
    const fiveIllnesses = ILLNESS_CODES.slice(0, 5)
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [ROBUST, 0, 'robust'],
      [{ ...ROBUST, fatigue: 'most' }, 1, 'pre_frail'],
      [{ ...ROBUST, fatigue: 'most', resistance: true }, 2, 'pre_frail'],
      [{ ...ROBUST, fatigue: 'most', resistance: true, ambulation: true }, 3, 'frail'],
      [
        {
          fatigue: 'all',
          resistance: true,
          ambulation: true,
          illnesses: fiveIllnesses,
          weightNowKg: 60,
          weightYearAgoKg: 70,
        },
        5,
        'frail',
      ],
    ]
    for (const [answers, score, category] of cases) {
      const result = scoreInstrument('frail', answers)
      assert.equal(result.score, score)
      assert.equal(result.category, category, `score ${score}`)
    }
  })

  it('treats an empty illness list as answered (no illness) and a null one as missing', () => {
    assert.equal(scoreInstrument('frail', { ...ROBUST, illnesses: [] }).complete, true)
    assert.deepEqual(scoreInstrument('frail', { ...ROBUST, illnesses: null }), INCOMPLETE)
  })

  it('is incomplete when a weight or the fatigue answer is missing', () => {
    assert.deepEqual(scoreInstrument('frail', { ...ROBUST, weightYearAgoKg: undefined }), INCOMPLETE)
    assert.deepEqual(scoreInstrument('frail', { ...ROBUST, weightNowKg: null }), INCOMPLETE)
    assert.deepEqual(scoreInstrument('frail', { ...ROBUST, fatigue: null }), INCOMPLETE)
  })

  it('rejects an unknown illness code, naming the code and the allowed ones', () => {
    const error = answerErrorOf(() => scoreInstrument('frail', { ...ROBUST, illnesses: ['diabetes', 'covid'] }))
    assert.equal(error.item, 'illnesses')
    assert.equal(error.value, 'covid')
    assert.match(error.message, /"covid"/)
    assert.match(error.message, /"kidney_disease" \(Kidney disease\)/)
  })

  it('rejects an illness answer that is not a list', () => {
    assertRejects('frail', { ...ROBUST, illnesses: 'diabetes' }, 'illnesses', 'diabetes')
  })

  it('rejects weights that are zero, negative, text or not finite', () => {
    assertRejects('frail', { ...ROBUST, weightNowKg: 0 }, 'weightNowKg', 0)
    assertRejects('frail', { ...ROBUST, weightYearAgoKg: -70 }, 'weightYearAgoKg', -70)
    assertRejects('frail', { ...ROBUST, weightNowKg: '70' }, 'weightNowKg', '70')
    assertRejects('frail', { ...ROBUST, weightNowKg: Number.NaN }, 'weightNowKg', Number.NaN)
    assertRejects('frail', { ...ROBUST, weightYearAgoKg: Number.POSITIVE_INFINITY }, 'weightYearAgoKg', Infinity)
  })

  it('rejects a fatigue answer outside its five options', () => {
    assertRejects('frail', { ...ROBUST, fatigue: 'always' }, 'fatigue', 'always')
  })
})

describe('USDA six-item food security', () => {
  it('scores 0, high or marginal, when nothing is affirmative', () => {
    assert.deepEqual(scoreInstrument('usda6', FOOD_SECURE), { score: 0, category: 'high_or_marginal', complete: true })
  })

  it('counts often and sometimes as affirmative, never as not', () => {
    assert.equal(scoreInstrument('usda6', { ...FOOD_SECURE, hh3: 'often' }).score, 1)
    assert.equal(scoreInstrument('usda6', { ...FOOD_SECURE, hh4: 'sometimes' }).score, 1)
    assert.equal(scoreInstrument('usda6', { ...FOOD_SECURE, hh3: 'never', hh4: 'never' }).score, 0)
  })

  it('is high or marginal at 1 and low at 2', () => {
    assert.equal(scoreInstrument('usda6', { ...FOOD_SECURE, hh3: 'often' }).category, 'high_or_marginal')
    assert.equal(scoreInstrument('usda6', { ...FOOD_SECURE, hh3: 'often', hh4: 'often' }).category, 'low')
  })

  it('is low at 4 and very low at 5 and 6', () => {
    const four = { hh3: 'often', hh4: 'sometimes', ad1: true, ad1a: 'one_or_two_months', ad2: true, ad3: false }
    assert.deepEqual(scoreInstrument('usda6', four), { score: 4, category: 'low', complete: true })
    assert.deepEqual(scoreInstrument('usda6', { ...four, ad1a: 'some_months' }), {
      score: 5,
      category: 'very_low',
      complete: true,
    })
    assert.deepEqual(scoreInstrument('usda6', { ...four, ad1a: 'almost_every_month', ad3: true }), {
      score: 6,
      category: 'very_low',
      complete: true,
    })
  })

  it('does not require AD1a when AD1 is no, and counts it 0', () => {
    assert.equal(scoreInstrument('usda6', { ...FOOD_SECURE, ad1: false }).complete, true)
    assert.deepEqual(scoreInstrument('usda6', { ...FOOD_SECURE, ad1: false, ad1a: null }), {
      score: 0,
      category: 'high_or_marginal',
      complete: true,
    })
  })

  it('ignores an AD1a answer left over when AD1 is no', () => {
    assert.equal(scoreInstrument('usda6', { ...FOOD_SECURE, ad1: false, ad1a: 'almost_every_month' }).score, 0)
  })

  it('is incomplete when AD1 is yes and AD1a is missing', () => {
    assert.deepEqual(scoreInstrument('usda6', { ...FOOD_SECURE, ad1: true }), INCOMPLETE)
    assert.deepEqual(scoreInstrument('usda6', { ...FOOD_SECURE, ad1: true, ad1a: null }), INCOMPLETE)
  })

  it('is incomplete when AD1 itself is missing, whatever AD1a says', () => {
    const { ad1: _omitted, ...withoutAd1 } = FOOD_SECURE
    assert.deepEqual(scoreInstrument('usda6', { ...withoutAd1, ad1a: 'some_months' }), INCOMPLETE)
  })

  it('counts AD1a only for almost every month or some months', () => {
    const withAd1a = (ad1a: string) => scoreInstrument('usda6', { ...FOOD_SECURE, ad1: true, ad1a }).score
    assert.equal(withAd1a('almost_every_month'), 2)
    assert.equal(withAd1a('some_months'), 2)
    assert.equal(withAd1a('one_or_two_months'), 1)
  })

  it('rejects answers outside the options, AD1a included even when it is skipped', () => {
    assertRejects('usda6', { ...FOOD_SECURE, hh3: 'rarely' }, 'hh3', 'rarely')
    assertRejects('usda6', { ...FOOD_SECURE, ad2: 'yes' }, 'ad2', 'yes')
    assertRejects('usda6', { ...FOOD_SECURE, ad1: false, ad1a: 'every_month' }, 'ad1a', 'every_month')
  })

  it('is incomplete when HH3 is missing', () => {
    assert.deepEqual(scoreInstrument('usda6', { ...FOOD_SECURE, hh3: undefined }), INCOMPLETE)
  })
})

describe('scoreInstrument', () => {
  it('recognises exactly the five instrument codes', () => {
    assert.deepEqual(
      ['epices', 'lsns6', 'ucla3', 'frail', 'usda6', 'gfst', 'constructor', 'EPICES', 3].map(isInstrumentCode),
      [true, true, true, true, true, false, false, false, false],
    )
  })

  it('throws UnknownInstrumentError for an unknown code, including names found on every object', () => {
    for (const code of ['gfst', 'EPICES', '', 'constructor', '__proto__', 'toString']) {
      assert.throws(() => scoreInstrument(code, {}), UnknownInstrumentError, code)
    }
  })

  it('rejects answers given as a list instead of an object keyed by item', () => {
    assert.throws(() => scoreInstrument('ucla3', [1, 2, 3] as unknown as Record<string, unknown>), TypeError)
  })

  it('makes InstrumentAnswerError an Error carrying the instrument, item and value', () => {
    const error = answerErrorOf(() => scoreInstrument('ucla3', { q1: 7 }))
    assert.ok(error instanceof Error)
    assert.equal(error.name, 'InstrumentAnswerError')
    assert.equal(error.instrument, 'ucla3')
    assert.equal(error.item, 'q1')
    assert.equal(error.value, 7)
  })
})

describe('INSTRUMENTS', () => {
  it('lists the five scored instruments in order, and not the unscored GFST', () => {
    assert.deepEqual(
      INSTRUMENTS.map((instrument) => instrument.code),
      ['epices', 'lsns6', 'ucla3', 'frail', 'usda6'],
    )
    assert.deepEqual([...INSTRUMENT_CODES], ['epices', 'lsns6', 'ucla3', 'frail', 'usda6'])
  })

  it('gives every instrument, item and option its French and English text', () => {
    for (const instrument of INSTRUMENTS) {
      const texts = [instrument.name, instrument.description, instrument.cutOff]
      for (const item of instrument.items) {
        texts.push(item.wording, ...item.options.map((option) => option.label))
        if (item.answerType === 'number') assert.equal(item.options.length, 0, item.code)
        else assert.ok(item.options.length >= 2, `${instrument.code}.${item.code} has options`)
      }
      for (const text of texts)
        assert.ok(text.fr.trim() && text.en.trim(), `${instrument.code}: ${JSON.stringify(text)}`)
      assert.ok(instrument.reference.length > 20, instrument.code)
    }
  })

  it('lists exactly the items the scorer needs: first options everywhere give a complete score', () => {
    for (const instrument of INSTRUMENTS) {
      const answers = Object.fromEntries(
        instrument.items.map((item) => {
          if (item.answerType === 'number') return [item.code, 70]
          if (item.answerType === 'multiple_choice') return [item.code, [item.options[0].code]]
          return [item.code, item.options[0].code]
        }),
      )
      assert.equal(scoreInstrument(instrument.code, answers).complete, true, instrument.code)
    }
  })

  it('says in the LSNS-6 description that the French wording is our translation', () => {
    assert.match(LSNS6.description.fr, /notre traduction/)
    assert.match(LSNS6.description.en, /our own translation/)
  })

  it('labels the UCLA cut-off of 6 as a convention', () => {
    const ucla = INSTRUMENTS.find((instrument) => instrument.code === 'ucla3')
    assert.match(ucla?.description.fr ?? '', /convention/)
    assert.match(ucla?.cutOff.en ?? '', /convention/)
  })

  it('marks AD1a as asked only when AD1 is yes', () => {
    const usda = INSTRUMENTS.find((instrument) => instrument.code === 'usda6')
    assert.deepEqual(usda?.items.find((item) => item.code === 'ad1a')?.askedOnlyIf, { item: 'ad1', equals: true })
  })

  it('offers the eleven published FRAIL illnesses', () => {
    const illnesses = FRAIL.items.find((item) => item.code === 'illnesses')
    assert.equal(illnesses?.answerType, 'multiple_choice')
    assert.equal(illnesses?.options.length, 11)
  })

  it('cannot be changed by the code that serves it', () => {
    assert.throws(() => {
      ;(INSTRUMENTS[0].items[0].options[0].label as { fr: string }).fr = 'Peut-être'
    }, TypeError)
  })
})

describe('suggestedNeeds', () => {
  it('suggests food for low and very low food security, nothing for high or marginal', () => {
    const low = scoreInstrument('usda6', { ...FOOD_SECURE, hh3: 'often', hh4: 'often' })
    const veryLow = scoreInstrument('usda6', {
      hh3: 'often',
      hh4: 'often',
      ad1: true,
      ad1a: 'some_months',
      ad2: true,
      ad3: true,
    })
    assert.deepEqual(suggestedNeeds('usda6', low), ['food'])
    assert.deepEqual(suggestedNeeds('usda6', veryLow), ['food'])
    assert.deepEqual(suggestedNeeds('usda6', scoreInstrument('usda6', FOOD_SECURE)), [])
  })

  it('suggests isolation for an LSNS-6 total under 12 or a UCLA total of 6 or more', () => {
    assert.deepEqual(suggestedNeeds('lsns6', scoreInstrument('lsns6', lsns([2, 2, 2], [2, 2, 1]))), ['isolation'])
    assert.deepEqual(suggestedNeeds('lsns6', scoreInstrument('lsns6', lsns([2, 2, 2], [2, 2, 2]))), [])
    assert.deepEqual(suggestedNeeds('ucla3', scoreInstrument('ucla3', { q1: 2, q2: 2, q3: 2 })), ['isolation'])
    assert.deepEqual(suggestedNeeds('ucla3', scoreInstrument('ucla3', { q1: 1, q2: 2, q3: 2 })), [])
  })

  it('suggests social support (finances_arrears) for EPICES 30.17 and nothing for 29.59', () => {
    const precarious = scoreInstrument('epices', epicesWithYes('q2', 'q7', 'q8', 'q9', 'q10'))
    const justBelow = scoreInstrument('epices', epicesWithYes('q2', 'q3', 'q5', 'q7', 'q8', 'q9', 'q10', 'q11'))
    assert.deepEqual(suggestedNeeds('epices', precarious), ['finances_arrears'])
    assert.deepEqual(suggestedNeeds('epices', justBelow), [])
  })

  it('suggests health_autonomy for frail only, not for pre-frail', () => {
    const frail = scoreInstrument('frail', { ...ROBUST, fatigue: 'all', resistance: true, ambulation: true })
    const preFrail = scoreInstrument('frail', { ...ROBUST, fatigue: 'all', resistance: true })
    assert.deepEqual(suggestedNeeds('frail', frail), ['health_autonomy'])
    assert.deepEqual(suggestedNeeds('frail', preFrail), [])
  })

  it('suggests nothing from an incomplete result', () => {
    for (const code of INSTRUMENT_CODES) assert.deepEqual(suggestedNeeds(code, scoreInstrument(code, {})), [])
  })

  it("suggests nothing for a category that is not one of the instrument's own, even an Object method name", () => {
    assert.deepEqual(suggestedNeeds('frail', { score: 3, category: 'constructor', complete: true }), [])
    assert.deepEqual(suggestedNeeds('usda6', { score: 3, category: 'frail', complete: true }), [])
  })

  it('throws UnknownInstrumentError for an unknown instrument', () => {
    assert.throws(() => suggestedNeeds('gfst', { score: 1, category: 'frail', complete: true }), UnknownInstrumentError)
  })
})

// ---------------------------------------------------------------------------------------------------------------
// Properties

const epicesAnswers = fc
  .tuple(...EPICES_ITEMS.map(() => fc.boolean()))
  .map((answers) => Object.fromEntries(EPICES_ITEMS.map((item, index) => [item, answers[index]])))
const lsnsCode = fc.integer({ min: 0, max: 5 })
const lsnsAnswers = fc.record({
  family1: lsnsCode,
  family2: lsnsCode,
  family3: lsnsCode,
  friends1: lsnsCode,
  friends2: lsnsCode,
  friends3: lsnsCode,
})
const uclaCode = fc.integer({ min: 1, max: 3 })
const uclaAnswers = fc.record({ q1: uclaCode, q2: uclaCode, q3: uclaCode })
// Weights in tenths of a kilogram, as a scale shows them.
const weightKg = fc.integer({ min: 300, max: 2000 }).map((tenths) => tenths / 10)
const frailAnswers = fc.record({
  fatigue: fc.constantFrom('all', 'most', 'some', 'little', 'none'),
  resistance: fc.boolean(),
  ambulation: fc.boolean(),
  illnesses: fc.array(fc.constantFrom(...ILLNESS_CODES), { maxLength: 14 }),
  weightNowKg: weightKg,
  weightYearAgoKg: weightKg,
})
const howTrue = fc.constantFrom('often', 'sometimes', 'never')
const usdaAnswers = fc
  .record({
    hh3: howTrue,
    hh4: howTrue,
    ad1: fc.boolean(),
    ad1a: fc.constantFrom('almost_every_month', 'some_months', 'one_or_two_months'),
    ad2: fc.boolean(),
    ad3: fc.boolean(),
  })
  .map((answers) => (answers.ad1 ? answers : { ...answers, ad1a: null }))

const COMPLETE_ANSWERS: Record<InstrumentCode, fc.Arbitrary<Record<string, unknown>>> = {
  epices: epicesAnswers,
  lsns6: lsnsAnswers,
  ucla3: uclaAnswers,
  frail: frailAnswers,
  usda6: usdaAnswers,
}

describe('properties', () => {
  it('EPICES scores lie in [0, 100] with at most two decimals and never strictly between 29.59 and 30.17', () => {
    fc.assert(
      fc.property(epicesAnswers, (answers) => {
        const { score, category } = scoreInstrument('epices', answers)
        assert.ok(score !== null && score >= 0 && score <= 100)
        assert.match(String(score), /^\d{1,3}(\.\d{1,2})?$/)
        assert.ok(!(score > 29.59 && score < 30.17), `score ${score}`)
        assert.equal(category, score >= 30.17 ? 'precarious' : 'not_precarious')
      }),
      { numRuns: 2000 },
    )
  })

  it('LSNS-6 total equals family plus friends, each 0–15, and "limited" means below 6', () => {
    fc.assert(
      fc.property(lsnsAnswers, (answers) => {
        const result = scoreInstrument('lsns6', answers)
        const details = result.details as {
          family: number
          friends: number
          familyLimited: boolean
          friendsLimited: boolean
        }
        assert.equal(result.score, details.family + details.friends)
        assert.equal(details.family, answers.family1 + answers.family2 + answers.family3)
        assert.equal(details.friends, answers.friends1 + answers.friends2 + answers.friends3)
        assert.ok(details.family <= 15 && details.friends <= 15)
        assert.equal(details.familyLimited, details.family < 6)
        assert.equal(details.friendsLimited, details.friends < 6)
      }),
    )
  })

  for (const instrument of INSTRUMENTS) {
    it(`${instrument.code}: categories never move against the score, and scores stay in range`, () => {
      const rank = (result: InstrumentResult) =>
        instrument.categories.findIndex((category) => category.code === result.category)
      fc.assert(
        fc.property(COMPLETE_ANSWERS[instrument.code], COMPLETE_ANSWERS[instrument.code], (first, second) => {
          const a = scoreInstrument(instrument.code, first)
          const b = scoreInstrument(instrument.code, second)
          assert.ok(a.complete && b.complete)
          for (const result of [a, b]) {
            assert.ok(result.score >= instrument.scoreRange.min && result.score <= instrument.scoreRange.max)
            assert.ok(rank(result) >= 0, `category ${result.category} is listed`)
          }
          const [lower, higher] = a.score <= b.score ? [a, b] : [b, a]
          if (instrument.isHigherScoreWorse) assert.ok(rank(lower) <= rank(higher))
          else assert.ok(rank(lower) >= rank(higher))
        }),
      )
    })

    it(`${instrument.code}: removing any required answer leaves no score`, () => {
      fc.assert(
        fc.property(COMPLETE_ANSWERS[instrument.code], fc.nat(), (answers, pick) => {
          const required = Object.keys(answers).filter((key) => answers[key] !== null)
          const removed = required[pick % required.length]
          assert.deepEqual(scoreInstrument(instrument.code, { ...answers, [removed]: null }), INCOMPLETE)
        }),
      )
    })
  }

  it('FRAIL score is the sum of its five component points', () => {
    fc.assert(
      fc.property(frailAnswers, (answers) => {
        const result = scoreInstrument('frail', answers)
        const points = Object.values(result.details ?? {}) as number[]
        assert.equal(points.length, 5)
        assert.equal(
          result.score,
          points.reduce((sum, point) => sum + point, 0),
        )
      }),
    )
  })

  it('FRAIL weight point follows (yearAgo − now) / yearAgo × 100 > 5, computed exactly in tenths of a kilogram', () => {
    const tenths = fc.integer({ min: 1, max: 3000 })
    fc.assert(
      fc.property(tenths, tenths, (nowTenths, yearAgoTenths) => {
        // Multiplied out so that integers decide, as the published formula means with exact arithmetic.
        const expected = (yearAgoTenths - nowTenths) * 100 > 5 * yearAgoTenths
        assert.equal(hasLostMoreThanFivePercent(nowTenths / 10, yearAgoTenths / 10), expected)
      }),
      { numRuns: 5000 },
    )
  })
})

describe('French wording', () => {
  it('writes every French text of every instrument with the typographic apostrophe', () => {
    const french: string[] = []
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) for (const item of node) walk(item)
      else if (node && typeof node === 'object')
        for (const [key, value] of Object.entries(node)) {
          if (key === 'fr' && typeof value === 'string') french.push(value)
          else walk(value)
        }
    }
    for (const instrument of INSTRUMENTS) walk(instrument)
    assert.ok(french.length > 50, `only ${french.length} French texts found`)
    assert.deepEqual(
      french.filter((text) => /\p{L}'\p{L}/u.test(text)),
      [],
    )
  })
})
