import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { throttledAddressOf } from './login-throttle.js'

describe('throttledAddressOf', () => {
  it('keeps an IPv4 address, unwraps an IPv4-mapped one and groups IPv6 by its /64', () => {
    assert.equal(throttledAddressOf('203.0.113.5'), '203.0.113.5')
    assert.equal(throttledAddressOf('::ffff:203.0.113.5'), '203.0.113.5')
    assert.equal(throttledAddressOf('2001:db8:aa:bb::1'), '2001:db8:aa:bb::/64')
    assert.equal(throttledAddressOf('2001:0DB8:00AA:00BB:ffff:1:2:3'), '2001:db8:aa:bb::/64')
    assert.equal(throttledAddressOf('2001:db8::1'), '2001:db8:0:0::/64')
    assert.equal(throttledAddressOf('::1'), '0:0:0:0::/64')
    assert.equal(throttledAddressOf('fe80::1%eth0'), 'fe80:0:0:0::/64')
    assert.equal(throttledAddressOf('64:ff9b::192.0.2.33'), '64:ff9b:0:0::/64')
  })
})
