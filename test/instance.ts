import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { TestContext } from 'node:test'
import { isDeepStrictEqual } from 'node:util'
import { SESSION_CACHE_MILLISECONDS } from '../src/server/http/session-cache.js'

/**
 * Another app instance in a process of its own (`allervers serve`) on the same database: nothing it keeps in memory
 * is shared with this process, as between two servers behind a load balancer. Stopped when the test ends.
 */
export async function startOtherInstance(t: TestContext, databaseUrl: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['bin/allervers.js', 'serve'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.after(async () => {
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  })
  let errors = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    errors += chunk
  })
  child.stdout.setEncoding('utf8')
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`the other instance did not start: ${errors}`)), 60_000)
    child.stdout.on('data', (chunk: string) => {
      output += chunk
      const match = /listens on (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.once('exit', (code) => reject(new Error(`the other instance exited with ${code}: ${errors}`)))
  })
  const request = (path: string, init: RequestInit = {}) => fetch(`${url}${path}`, init)
  return {
    url,
    request,
    /** Signs this user in on the other instance: the session's cookie header, or an error naming the answer. */
    signIn: async (user: { email: string; password: string }) => {
      const login = await request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, password: user.password }),
      })
      if (login.status !== 200) throw new Error(`sign-in on the other instance answered ${login.status}`)
      return { cookie: login.headers.getSetCookie()[0].split(';')[0] }
    },
  }
}

/**
 * Waits for a change announced on this instance to show on the other one, and returns how long it took (ms). The
 * NOTIFY that carries it (db/broadcast.ts) is sent when the transaction commits but reaches the other process on its
 * own connection, asynchronously: on a loaded machine the test's next request can arrive there a moment before it.
 * So the other instance is read again every 10 ms, and the wait fails past one second, or if it ended so late that
 * the cache's own expiry (SESSION_CACHE_MILLISECONDS, counted from `rememberedSince`, when the other instance read
 * the session) could explain the change instead of the notice.
 */
export async function noticedThere<T>(
  read: () => Promise<T>,
  expected: T,
  rememberedSince: number,
  message: string,
): Promise<number> {
  const start = performance.now()
  let seen = await read()
  while (!isDeepStrictEqual(seen, expected) && performance.now() - start < 1000) {
    await new Promise((resolve) => setTimeout(resolve, 10))
    seen = await read()
  }
  assert.deepEqual(seen, expected, `${message} (still so ${Math.round(performance.now() - start)} ms later)`)
  assert.ok(
    performance.now() - rememberedSince < SESSION_CACHE_MILLISECONDS,
    `${message}: seen only as the cache's entry could have expired, which does not prove the notice`,
  )
  return Math.round(performance.now() - start)
}
