import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sortableId } from './ids.js'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('sortable ids', () => {
  it('are UUIDs of version 7 whose first 48 bits are the time in milliseconds', () => {
    const before = Date.now()
    const id = sortableId()
    const after = Date.now()
    assert.match(id, UUID_V7)
    const ms = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)
    // A burst just before may have borrowed a few milliseconds ahead; never more than one per 4,096 ids.
    assert.ok(ms >= before && ms <= after + 5, `${ms} not within ${before}–${after}`)
  })

  it('sort in the order they were made, without repeats, even tens of thousands in one burst', () => {
    const ids = Array.from({ length: 50_000 }, () => sortableId())
    for (const id of ids) assert.match(id, UUID_V7)
    for (let index = 1; index < ids.length; index++) {
      assert.ok(ids[index - 1] < ids[index], `${ids[index - 1]} then ${ids[index]} at ${index}`)
    }
    assert.equal(new Set(ids).size, ids.length)
  })

  it('keep random bits after the time and counter', () => {
    const tails = new Set(Array.from({ length: 1000 }, () => sortableId().slice(19)))
    assert.equal(tails.size, 1000)
  })
})
