import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { Type } from 'typebox'
import { AppError } from '../../http/errors.js'
import { VERSION } from '../../version.js'

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        security: [],
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            database: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
            version: Type.String(),
          }),
        },
      },
    },
    async () => {
      try {
        await sql`select 1`.execute(app.db)
      } catch {
        throw new AppError('SERVICE_UNAVAILABLE', 'The database does not answer')
      }
      return { status: 'ok' as const, database: app.db.engine, version: VERSION }
    },
  )
}
