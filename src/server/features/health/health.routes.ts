import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { healthContract } from '../../../shared/contracts/health.js'
import { AppError } from '../../http/errors.js'
import { VERSION } from '../../version.js'
import { isDatabaseReachable } from './health.queries.js'

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...healthContract.read,
    config: { access: 'health.read' },
    handler: async () => {
      if (!(await isDatabaseReachable(app.db))) {
        throw new AppError('SERVICE_UNAVAILABLE', 'The database does not answer')
      }
      return { status: 'ok' as const, database: app.db.engine, version: VERSION }
    },
  })
}
