import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { healthContract } from '../../../shared/contracts/health.js'
import { AppError } from '../../http/errors.js'
import { VERSION } from '../../version.js'

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...healthContract.read,
    config: { access: 'health.read' },
    handler: async () => {
      try {
        await sql`select 1`.execute(app.db)
      } catch {
        throw new AppError('SERVICE_UNAVAILABLE', 'The database does not answer')
      }
      return { status: 'ok' as const, database: app.db.engine, version: VERSION }
    },
  })
}
