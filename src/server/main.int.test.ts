import assert from 'node:assert/strict'
import { request } from 'node:http'
import { describe, it } from 'node:test'
import { createTestDatabase } from '../../test/database.js'
import { makeUser } from '../../test/factories.js'
import { loadConfig } from './config.js'
import { startServer } from './main.js'

const config = () =>
  loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    WEB_ROOT: 'dist/web',
    STATS_REFRESH_SECONDS: '1',
    MFA_REQUIRED_ROLES: 'none',
  })

/**
 * A login whose body arrives in two halves: the request is in flight from its first byte until the second half is
 * sent (`finish`). Resolves with the answer's status, or rejects when the connection is cut.
 */
function slowLogin(url: string, body: string) {
  const { port } = new URL(url)
  let finish = () => {}
  const answered = new Promise<number>((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/auth/login',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
      },
    )
    outgoing.on('error', reject)
    const half = Math.floor(body.length / 2)
    outgoing.write(body.slice(0, half))
    finish = () => outgoing.end(body.slice(half))
  })
  return { answered, finish: () => finish() }
}

describe('graceful shutdown', () => {
  it('stops accepting, lets a request in flight finish with 200, then stops the workers and closes the database', async (t) => {
    const database = await createTestDatabase()
    t.after(() => database.destroy().catch(() => {}))
    const user = await makeUser(database.db, 'manager')
    const server = await startServer(config(), { db: database.db, handleSignals: false })
    assert.deepEqual(
      Object.keys(server.workers.snapshot()),
      ['rollups', 'purge', 'sso-recheck'],
      'no outbox worker without SMTP_URL',
    )

    const login = slowLogin(server.url, JSON.stringify({ email: user.email, password: user.password }))
    await new Promise((resolve) => setTimeout(resolve, 100))
    const closed = server.close()
    await new Promise((resolve) => setTimeout(resolve, 200))
    await assert.rejects(fetch(`${server.url}/api/health`), 'a new connection is refused while closing')
    login.finish()
    assert.equal(await login.answered, 200, 'the request in flight is answered')
    const answeredAt = Date.now()
    await closed
    // Not the 5 s of the kept-alive connection's timeout: an idle connection is closed at once.
    assert.ok(Date.now() - answeredAt < 2000, `closed ${Date.now() - answeredAt} ms after the answer`)
    assert.equal(server.workers.snapshot().rollups.status, 'stopped')
    await assert.rejects(database.db.selectFrom('user').select('id').execute(), 'the database is closed')
  })

  it('cuts a request still in flight after the grace, and closes all the same', async (t) => {
    const database = await createTestDatabase()
    t.after(() => database.destroy().catch(() => {}))
    const server = await startServer(config(), { db: database.db, handleSignals: false, shutdownGraceMs: 300 })
    const stuck = slowLogin(server.url, JSON.stringify({ email: 'nobody@example.org', password: 'never sent whole' }))
    const outcome = stuck.answered.then(
      (status) => `answered ${status}`,
      () => 'cut',
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    const started = Date.now()
    await server.close()
    assert.ok(Date.now() - started < 3000, `closed in ${Date.now() - started} ms`)
    assert.equal(await outcome, 'cut')
  })
})
