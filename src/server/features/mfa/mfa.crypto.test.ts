import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import {
  decryptSecret,
  encryptSecret,
  hashRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  normalizeRecoveryCode,
  totpCodeAt,
  totpStepAt,
} from './mfa.crypto.js'

describe('TOTP codes', () => {
  it('matches the RFC 6238 test vector (SHA-1, 6 digits)', () => {
    // RFC 6238, appendix B: the ASCII secret "12345678901234567890" at 59 s gives 94287082 (8 digits): 287082.
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
    assert.equal(totpCodeAt(secret, 59_000), '287082')
    assert.equal(matchTotp(secret, '287082', 59_000), 1)
  })

  it('accepts the codes of the step before and after, answers their step, and refuses the rest', () => {
    const secret = newTotpSecret()
    assert.match(secret, /^[A-Z2-7]{32}$/)
    const now = Date.UTC(2026, 11, 5, 12, 0, 10)
    const step = totpStepAt(now)
    assert.equal(matchTotp(secret, totpCodeAt(secret, now), now), step)
    assert.equal(matchTotp(secret, totpCodeAt(secret, now - 30_000), now), step - 1)
    assert.equal(matchTotp(secret, totpCodeAt(secret, now + 30_000), now), step + 1)
    assert.equal(matchTotp(secret, totpCodeAt(secret, now - 90_000), now), null)
    assert.equal(matchTotp(secret, 'abcdef', now), null)
    assert.equal(matchTotp(secret, '12345', now), null)
  })
})

describe('secrets at rest', () => {
  it('encrypts with AES-256-GCM bound to the account: another key or another account does not decrypt', () => {
    const key = randomBytes(32)
    const secret = newTotpSecret()
    const stored = encryptSecret(key, 'user-a', secret)
    assert.ok(!stored.includes(secret))
    assert.notEqual(encryptSecret(key, 'user-a', secret), stored, 'a fresh IV each time')
    assert.equal(decryptSecret(key, 'user-a', stored), secret)
    assert.throws(() => decryptSecret(key, 'user-b', stored))
    assert.throws(() => decryptSecret(randomBytes(32), 'user-a', stored))
    const [version, iv, ciphertext, tag] = stored.split('.')
    const tampered = [version, iv, `${ciphertext!.slice(0, -2)}AA`, tag].join('.')
    assert.throws(() => decryptSecret(key, 'user-a', tampered))
  })
})

describe('recovery codes', () => {
  it('are ten distinct codes of four groups, read back in any case with or without dashes', () => {
    const codes = newRecoveryCodes()
    assert.equal(codes.length, 10)
    assert.equal(new Set(codes).size, 10)
    for (const code of codes) assert.match(code, /^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}$/)
    const code = codes[0]!
    const plain = code.replaceAll('-', '')
    assert.equal(normalizeRecoveryCode(code.toUpperCase()), plain)
    assert.equal(normalizeRecoveryCode(` ${code.replaceAll('-', ' ')} `), plain)
    assert.equal(normalizeRecoveryCode('0000-1111-iiii-llll'), null, 'letters and digits the codes never use')
    assert.equal(normalizeRecoveryCode('abcd'), null)
    assert.equal(hashRecoveryCode(plain), hashRecoveryCode(normalizeRecoveryCode(code.toUpperCase())!))
    assert.match(hashRecoveryCode(plain), /^[0-9a-f]{64}$/)
  })
})
