import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rangeOf, readListState, sortOf, writeListState } from './households-list.js'

describe('the household list state in the URL', () => {
  it('reads what the query string says and drops what it cannot mean', () => {
    const state = readListState(
      new URLSearchParams(
        'q=lefevre&agency=NORD&fragility=fragile&objection=false&status=left&inCampaign=true&sort=-age&page=3',
      ),
    )
    assert.deepEqual(state, {
      q: 'lefevre',
      agency: 'NORD',
      fragility: 'fragile',
      objection: false,
      status: 'left',
      inCampaign: true,
      sort: '-age',
      page: 3,
    })
    const odd = readListState(new URLSearchParams('fragility=terrible&objection=maybe&status=x&sort=drop&page=-2'))
    assert.deepEqual(odd, {
      q: '',
      agency: undefined,
      fragility: undefined,
      objection: undefined,
      status: undefined,
      inCampaign: undefined,
      sort: 'name',
      page: 1,
    })
  })

  it('writes only what differs from the defaults, and reads back the same state', () => {
    assert.equal(writeListState(readListState(new URLSearchParams(''))).toString(), '')
    const query = 'q=Emma+Benali&fragility=unknown&objection=true&sort=-lastContact&page=2'
    assert.equal(writeListState(readListState(new URLSearchParams(query))).toString(), query)
  })

  it('sorts a column ascending first, then descending, and tells aria-sort', () => {
    assert.deepEqual(sortOf('name', 'name'), { direction: 'ascending', next: '-name' })
    assert.deepEqual(sortOf('-name', 'name'), { direction: 'descending', next: 'name' })
    assert.deepEqual(sortOf('name', 'age'), { direction: 'none', next: 'age' })
  })

  it('says which rows a page shows', () => {
    assert.deepEqual(rangeOf(1, 2400), { from: 1, to: 50 })
    assert.deepEqual(rangeOf(48, 2400), { from: 2351, to: 2400 })
    assert.deepEqual(rangeOf(2, 73), { from: 51, to: 73 })
    assert.deepEqual(rangeOf(1, 0), { from: 0, to: 0 })
  })
})
