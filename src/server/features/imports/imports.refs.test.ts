import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { ReferenceCounts } from './imports.refs.js'

describe('reference counts', () => {
  it('answers as a Map would, for any references and updates', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('A', 'a', 'É', '')),
            fc.nat(1000),
          ),
        ),
        (operations) => {
          const counts = new ReferenceCounts()
          const expected = new Map<string, number>()
          for (const [reference, count] of operations) {
            assert.equal(counts.get(reference), expected.get(reference) ?? 0)
            counts.set(reference, count)
            expected.set(reference, count)
          }
          assert.equal(counts.size, expected.size)
          for (const [reference, count] of expected) assert.equal(counts.get(reference), count)
        },
      ),
    )
  })

  it('keeps every one of many references apart as it grows, long ones included', () => {
    const counts = new ReferenceCounts()
    const long = 'X'.repeat(1000)
    for (let index = 0; index < 50_000; index++) counts.set(`TDL-${String(index).padStart(7, '0')}`, (index % 7) + 1)
    counts.set(long, 3)
    assert.equal(counts.size, 50_001)
    for (let index = 0; index < 50_000; index++)
      assert.equal(counts.get(`TDL-${String(index).padStart(7, '0')}`), (index % 7) + 1)
    assert.equal(counts.get(long), 3)
    assert.equal(counts.get(`${long}X`), 0)
    assert.equal(counts.get('TDL-0050000'), 0)
    assert.equal(counts.get('tdl-0000001'), 0, 'case matters, as it does for a Map')
  })
})

describe('reference counts, odd text', () => {
  it('tells apart strings that UTF-8 would make equal (lone surrogates)', () => {
    const counts = new ReferenceCounts()
    counts.set('\uD800', 1)
    counts.set('\uD801', 2)
    assert.equal(counts.get('\uD800'), 1)
    assert.equal(counts.get('\uD801'), 2)
    assert.equal(counts.get('\uFFFD'), 0)
  })
})
