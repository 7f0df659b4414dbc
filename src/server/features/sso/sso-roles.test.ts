import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { groupsFromClaim, roleForGroups } from './sso-roles.js'
import { decryptSecret, encryptSecret } from './sso-secret.js'

describe('roleForGroups', () => {
  const mapping = [
    { group: 'allervers-admins', role: 'admin' as const },
    { group: 'allervers-managers', role: 'manager' as const },
    { group: 'agents', role: 'caller' as const },
  ]
  it('gives the role of the first line that matches, in the mapping’s order', () => {
    assert.equal(roleForGroups(mapping, ['agents', 'allervers-managers']), 'manager')
    assert.equal(roleForGroups(mapping, ['agents']), 'caller')
  })
  it('answers null when no group is mapped, and compares names exactly', () => {
    assert.equal(roleForGroups(mapping, ['Agents', 'comptabilité']), null)
    assert.equal(roleForGroups(mapping, []), null)
  })
})

describe('groupsFromClaim', () => {
  it('reads a list, a separated text, and nothing else', () => {
    assert.deepEqual(groupsFromClaim(['a', 2, 'b']), ['a', 'b'])
    assert.deepEqual(groupsFromClaim('a, b c'), ['a', 'b', 'c'])
    assert.deepEqual(groupsFromClaim({ a: 1 }), [])
    assert.deepEqual(groupsFromClaim(undefined), [])
  })
})

describe('client secrets', () => {
  it('are encrypted, read back with the key, and not with another', () => {
    const key = randomBytes(32)
    const stored = encryptSecret(key, 'le secret du client')
    assert.ok(!stored.includes('secret'))
    assert.notEqual(encryptSecret(key, 'le secret du client'), stored, 'a fresh IV each time')
    assert.equal(decryptSecret(key, stored), 'le secret du client')
    assert.equal(decryptSecret(randomBytes(32), stored), null)
    assert.equal(decryptSecret(key, `${stored.slice(0, -2)}AA`), null)
  })

  it('bound to associated data (a refresh token to its session) read back only with the same', () => {
    const key = randomBytes(32)
    const stored = encryptSecret(key, 'un jeton', 'session-1')
    assert.equal(decryptSecret(key, stored, 'session-1'), 'un jeton')
    assert.equal(decryptSecret(key, stored, 'session-2'), null, 'copied onto another session, it does not decrypt')
    assert.equal(decryptSecret(key, stored), null)
  })
})
