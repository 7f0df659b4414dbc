import type { TestContext } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/server/app.js'
import { loadConfig } from '../src/server/config.js'
import type { Db } from '../src/server/db/database.js'
import { createTestDatabase } from './database.js'
import type { TestUser } from './factories.js'

export interface TestApp {
  app: FastifyInstance
  db: Db
  /** Signs the user in through the real login route and returns the headers that carry the session. */
  loginAs(user: TestUser): Promise<{ cookie: string }>
}

/**
 * A real app on a fresh database for this test; both are closed when the test ends. With `logLines`, the app logs at
 * LOG_LEVEL (info unless `env` says otherwise) into that array, one JSON line each; without it, it logs nothing.
 */
export async function buildTestApp(
  t: TestContext,
  env: NodeJS.ProcessEnv = {},
  options: { logLines?: string[] } = {},
): Promise<TestApp> {
  const database = await createTestDatabase()
  const { logLines } = options
  // No role is made to enrol a second factor unless a test asks (MFA_REQUIRED_ROLES): `loginAs` signs in in one step.
  const config = loadConfig({
    LOG_LEVEL: logLines ? 'info' : 'silent',
    WEB_ROOT: 'dist/web',
    MFA_REQUIRED_ROLES: 'none',
    ...env,
  })
  const app = await buildApp(
    logLines
      ? { config, db: database.db, logStream: { write: (line: string) => logLines.push(line) } }
      : { config, db: database.db, logger: false },
  )
  t.after(async () => {
    await app.close()
    await database.destroy()
  })
  return {
    app,
    db: database.db,
    async loginAs(user) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: user.email, password: user.password },
      })
      if (response.statusCode !== 200) throw new Error(`login of ${user.email} failed: ${response.body}`)
      const cookie = response.cookies.find((c) => c.name === 'allervers_session')
      if (!cookie) throw new Error('login answered without a session cookie')
      return { cookie: `${cookie.name}=${cookie.value}` }
    },
  }
}
