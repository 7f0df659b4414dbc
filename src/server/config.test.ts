import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from './config.js'

describe('loadConfig', () => {
  it('defaults to the embedded SQLite database on 127.0.0.1:3000', () => {
    const config = loadConfig({})
    assert.equal(config.databaseUrl, 'sqlite:./data/allervers.sqlite')
    assert.equal(config.host, '127.0.0.1')
    assert.equal(config.port, 3000)
    assert.equal(config.loginMaxFailures, 10)
    assert.equal(config.loginWindowMinutes, 15)
    assert.equal(config.loginAddressMaxFailures, 50)
    assert.equal(config.loginAccountSlowdownFailures, 30)
    assert.equal(config.loginAccountSlowdownSeconds, 2)
  })

  it('reads the sign-in limits and refuses an address limit narrower than the pair limit', () => {
    const config = loadConfig({
      LOGIN_MAX_FAILURES: '5',
      LOGIN_ADDRESS_MAX_FAILURES: '200',
      LOGIN_ACCOUNT_SLOWDOWN_FAILURES: '40',
      LOGIN_ACCOUNT_SLOWDOWN_SECONDS: '0',
    })
    assert.equal(config.loginMaxFailures, 5)
    assert.equal(config.loginAddressMaxFailures, 200)
    assert.equal(config.loginAccountSlowdownFailures, 40)
    assert.equal(config.loginAccountSlowdownSeconds, 0)
    assert.throws(
      () => loadConfig({ LOGIN_MAX_FAILURES: '20', LOGIN_ADDRESS_MAX_FAILURES: '10' }),
      /LOGIN_ADDRESS_MAX_FAILURES \(10\) .* at least LOGIN_MAX_FAILURES \(20\)/,
    )
    assert.throws(() => loadConfig({ LOGIN_ACCOUNT_SLOWDOWN_SECONDS: '60' }), /LOGIN_ACCOUNT_SLOWDOWN_SECONDS/)
  })

  it('fails fast naming the variable and the value it could not use', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty' }),
      (error: Error) => {
        assert.ok(error instanceof ConfigError)
        assert.match(error.message, /PORT must be a whole number between 0 and 65535, got "eighty"/)
        return true
      },
    )
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://root@localhost/x' }), /DATABASE_URL must be/)
    assert.throws(() => loadConfig({ SESSION_IDLE_MINUTES: '0' }), /SESSION_IDLE_MINUTES/)
    assert.throws(() => loadConfig({ PUBLIC_URL: 'allervers.example.org' }), /PUBLIC_URL/)
  })

  it('reads TRUST_PROXY as off, a number of proxies, or a list of their addresses, never "trust every hop"', () => {
    for (const off of [undefined, '', ' ', '0', 'false', 'FALSE']) {
      assert.equal(loadConfig(off === undefined ? {} : { TRUST_PROXY: off }).trustProxy, false, `"${off}" is off`)
    }
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1)
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, 1, 'the old `true` is one proxy, not every hop')
    assert.equal(loadConfig({ TRUST_PROXY: ' 2 ' }).trustProxy, 2)
    assert.equal(loadConfig({ TRUST_PROXY: '127.0.0.1' }).trustProxy, '127.0.0.1')
    assert.equal(
      loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,uniquelocal, fd00::/8, ::1, linklocal' }).trustProxy,
      'loopback,10.0.0.0/8,uniquelocal,fd00::/8,::1,linklocal',
    )
    for (const wrong of [
      '-1',
      '1.5',
      'yes',
      'nginx',
      '10.0.0.0/33',
      'fd00::/129',
      '10.0.0.1,',
      '10.0.0.1/8/8',
      '101',
    ]) {
      assert.throws(
        () => loadConfig({ TRUST_PROXY: wrong }),
        (error: Error) => error instanceof ConfigError && /^TRUST_PROXY must /.test(error.message),
        `"${wrong}" is refused`,
      )
    }
    assert.throws(
      () => loadConfig({ TRUST_PROXY: '10.0.0.1, proxy' }),
      /TRUST_PROXY .*got "proxy" in "10.0.0.1, proxy"/,
    )
  })

  it('accepts PostgreSQL URLs and trims a trailing slash from PUBLIC_URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db', PUBLIC_URL: 'https://a.example/' })
    assert.equal(config.databaseUrl, 'postgres://u@h:5432/db')
    assert.equal(config.publicUrl, 'https://a.example')
  })

  it('reads the referral due hours by urgency, keeps the defaults of the others, and names a bad item', () => {
    const config = loadConfig({ REFERRAL_DUE_HOURS: 'immediate=2/12, routine=48/240' })
    assert.deepEqual(config.referralDueHours.immediate, { accept: 2, resolve: 12 })
    assert.deepEqual(config.referralDueHours.routine, { accept: 48, resolve: 240 })
    assert.deepEqual(config.referralDueHours.within_24h, { accept: 24, resolve: 72 })
    assert.throws(() => loadConfig({ REFERRAL_DUE_HOURS: 'urgent=1/2' }), /got "urgent=1\/2"/)
    assert.throws(() => loadConfig({ REFERRAL_DUE_HOURS: 'immediate=10/5' }), /for immediate .* got "immediate=10\/5"/)
  })
})

describe('loadConfig: data folder and import limits', () => {
  it('keeps files under ./data and reads imports within limits that fit a 200,000-household export', () => {
    const config = loadConfig({})
    assert.equal(config.dataDir, resolve('data'))
    assert.deepEqual(config.imports, {
      limits: {
        maxUncompressedBytes: 1024 * 1024 * 1024,
        maxRows: 1_000_000,
        maxColumns: 1000,
        maxCells: 30_000_000,
        maxSharedStrings: 2_000_000,
      },
      uploadMaxBytes: 200 * 1024 * 1024,
      readerMemoryMb: 256,
      readers: 3,
      readerSeconds: 180,
      uploadHours: 4,
    })
  })

  it('reads each limit from its variable, in MB where it says so, and names a bad one', () => {
    const config = loadConfig({
      DATA_DIR: '/var/lib/allervers',
      IMPORT_MAX_UNCOMPRESSED_MB: '512',
      IMPORT_MAX_ROWS: '500000',
      IMPORT_MAX_COLUMNS: '200',
      IMPORT_MAX_CELLS: '10000000',
      IMPORT_MAX_SHARED_STRINGS: '100000',
      IMPORT_MAX_UPLOAD_MB: '50',
      IMPORT_READER_MEMORY_MB: '128',
      IMPORT_READERS: '1',
      IMPORT_READER_SECONDS: '60',
      IMPORT_UPLOAD_HOURS: '2',
    })
    assert.equal(config.dataDir, '/var/lib/allervers')
    assert.equal(config.imports.limits.maxUncompressedBytes, 512 * 1024 * 1024)
    assert.deepEqual(
      [config.imports.limits.maxRows, config.imports.limits.maxColumns, config.imports.limits.maxCells],
      [500_000, 200, 10_000_000],
    )
    assert.equal(config.imports.limits.maxSharedStrings, 100_000)
    assert.equal(config.imports.uploadMaxBytes, 50 * 1024 * 1024)
    assert.deepEqual(
      [config.imports.readerMemoryMb, config.imports.readers, config.imports.readerSeconds, config.imports.uploadHours],
      [128, 1, 60, 2],
    )
    assert.throws(
      () => loadConfig({ IMPORT_MAX_COLUMNS: '20000' }),
      /IMPORT_MAX_COLUMNS must be a whole number between 1 and 16384, got "20000"/,
    )
    assert.throws(() => loadConfig({ IMPORT_READER_MEMORY_MB: '8' }), /IMPORT_READER_MEMORY_MB/)
    assert.throws(() => loadConfig({ IMPORT_MAX_ROWS: 'many' }), /IMPORT_MAX_ROWS/)
  })

  it('requires a second factor of admins, managers, social workers and DPOs unless MFA_REQUIRED_ROLES says otherwise', () => {
    assert.deepEqual(loadConfig({}).mfa.requiredRoles, ['admin', 'manager', 'social_worker', 'dpo'])
    assert.deepEqual(loadConfig({ MFA_REQUIRED_ROLES: 'none' }).mfa.requiredRoles, [])
    assert.deepEqual(loadConfig({ MFA_REQUIRED_ROLES: ' admin, dpo ,admin' }).mfa.requiredRoles, ['admin', 'dpo'])
    assert.throws(() => loadConfig({ MFA_REQUIRED_ROLES: 'admin,boss' }), /MFA_REQUIRED_ROLES .* got "boss"/)
  })

  it('reads MFA_ENCRYPTION_KEY (32 bytes in base64), required in production, a fixed development key otherwise', () => {
    const key = Buffer.alloc(32, 7).toString('base64')
    const given = loadConfig({ MFA_ENCRYPTION_KEY: key, NODE_ENV: 'production' }).mfa
    assert.deepEqual(given.encryptionKey, Buffer.alloc(32, 7))
    assert.equal(given.isDevelopmentKey, false)
    const development = loadConfig({}).mfa
    assert.equal(development.encryptionKey.length, 32)
    assert.equal(development.isDevelopmentKey, true)
    assert.deepEqual(loadConfig({}).mfa.encryptionKey, development.encryptionKey, 'the same on every start')
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /MFA_ENCRYPTION_KEY is required in production/)
  })

  it('reads both AES keys (MFA_ENCRYPTION_KEY, SSO_SECRET_KEY) in the same format: 64 hex digits or 32 bytes in base64', () => {
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, index) => index * 7 + 1))
    const spellings = [
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      bytes.toString('base64'),
      bytes.toString('base64').replace(/=+$/, ''),
      ` ${bytes.toString('base64')}\n`,
    ]
    for (const spelling of spellings) {
      const config = loadConfig({ MFA_ENCRYPTION_KEY: spelling, SSO_SECRET_KEY: spelling })
      assert.deepEqual(config.mfa.encryptionKey, bytes, `MFA_ENCRYPTION_KEY=${JSON.stringify(spelling)}`)
      assert.deepEqual(config.sso.secretKey, bytes, `SSO_SECRET_KEY=${JSON.stringify(spelling)}`)
    }
    assert.equal(loadConfig({}).sso.secretKey, null)
    const bad = [
      Buffer.alloc(16, 1).toString('base64'),
      Buffer.alloc(33, 1).toString('base64'),
      Buffer.alloc(31, 1).toString('hex'),
      `${bytes.toString('hex').slice(0, 63)}g`,
      bytes.toString('base64url').replace(/^./, '-'),
      'not base64 at all!',
    ]
    for (const name of ['MFA_ENCRYPTION_KEY', 'SSO_SECRET_KEY']) {
      for (const value of bad) {
        assert.throws(
          () => loadConfig({ [name]: value }),
          (error: Error) =>
            error instanceof ConfigError &&
            error.message.startsWith(`${name} must be 32 random bytes`) &&
            error.message.includes('openssl rand -hex 32') &&
            !error.message.includes(value),
          `${name}=${value}`,
        )
      }
    }
  })

  it('refuses SSO_ALLOW_HTTP_ISSUER when NODE_ENV=production, naming the variable', () => {
    assert.equal(loadConfig({ SSO_ALLOW_HTTP_ISSUER: '1' }).sso.allowHttpIssuer, true)
    assert.equal(loadConfig({ NODE_ENV: 'production', MFA_ENCRYPTION_KEY: 'ab'.repeat(32) }).sso.allowHttpIssuer, false)
    for (const value of ['1', 'true']) {
      assert.throws(
        () => loadConfig({ NODE_ENV: 'production', MFA_ENCRYPTION_KEY: 'ab'.repeat(32), SSO_ALLOW_HTTP_ISSUER: value }),
        (error: Error) =>
          error instanceof ConfigError && /^SSO_ALLOW_HTTP_ISSUER .*NODE_ENV=production/.test(error.message),
      )
    }
  })
  it('reads SSO_RECHECK_MINUTES (15 by default, 1 to 1440)', () => {
    assert.equal(loadConfig({}).sso.recheckMinutes, 15)
    assert.equal(loadConfig({ SSO_RECHECK_MINUTES: '1' }).sso.recheckMinutes, 1)
    assert.equal(loadConfig({ SSO_RECHECK_MINUTES: '1440' }).sso.recheckMinutes, 1440)
    for (const value of ['0', '1441', 'often']) {
      assert.throws(() => loadConfig({ SSO_RECHECK_MINUTES: value }), /SSO_RECHECK_MINUTES/)
    }
  })
})
