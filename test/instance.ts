import { spawn } from 'node:child_process'
import type { TestContext } from 'node:test'

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
