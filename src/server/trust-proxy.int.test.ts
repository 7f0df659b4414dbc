/**
 * TRUST_PROXY over real HTTP: the client address the server records (here, in the audit row of a failed sign-in) is
 * the one the trusted proxy saw, never an X-Forwarded-For entry the client wrote itself.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { buildTestApp } from '../../test/app.js'

/** Behind nginx's `$proxy_add_x_forwarded_for`: the client sent `6.6.6.6`, nginx appended the address it saw. */
const FORWARDED_FOR = '6.6.6.6, 203.0.113.9'

/** The address recorded for a failed sign-in sent over a real socket from 127.0.0.1 with that header. */
async function addressRecorded(t: TestContext, trustProxy: string | undefined): Promise<string | null> {
  const { app, db } = await buildTestApp(t, trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const email = `nobody-${Math.random().toString(36).slice(2)}@test.allervers.localhost`
  const response = await fetch(`${address}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': FORWARDED_FOR },
    body: JSON.stringify({ email, password: 'not the password' }),
  })
  assert.equal(response.status, 401)
  const failure = await db
    .selectFrom('auditEvent')
    .select('ip')
    .where('action', '=', 'auth.login_failed')
    .where('actorEmail', '=', email)
    .executeTakeFirstOrThrow()
  return failure.ip
}

describe('TRUST_PROXY over real HTTP', () => {
  it('with one proxy in front (1), takes the address the proxy appended, not the one the client wrote', async (t) => {
    assert.equal(await addressRecorded(t, '1'), '203.0.113.9')
  })

  it('reads the old `true` as one proxy: still the address the proxy appended', async (t) => {
    assert.equal(await addressRecorded(t, 'true'), '203.0.113.9')
  })

  it('with a list of proxies (127.0.0.1), takes the first address not in the list from the right', async (t) => {
    assert.equal(await addressRecorded(t, '127.0.0.1'), '203.0.113.9')
    assert.equal(await addressRecorded(t, 'loopback, 10.0.0.0/8'), '203.0.113.9')
  })

  it('off (unset or 0), ignores the header: the socket’s own address', async (t) => {
    assert.equal(await addressRecorded(t, undefined), '127.0.0.1')
    assert.equal(await addressRecorded(t, '0'), '127.0.0.1')
  })
})
