import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  INSTRUMENTS,
  InstrumentAnswerError,
  isInstrumentCode,
  scoreInstrument,
} from '../../../shared/instruments/index.js'
import { AppError } from '../../http/errors.js'

export const instrumentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/instruments', { config: { access: 'instrument.use' }, schema: { tags: ['instruments'] } }, async () => ({
    items: INSTRUMENTS,
  }))

  app.post(
    '/instruments/:code/score',
    {
      config: { access: 'instrument.use' },
      schema: {
        tags: ['instruments'],
        params: Type.Object({ code: Type.String() }),
        body: Type.Object({ answers: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            score: Type.Union([Type.Number(), Type.Null()]),
            category: Type.Union([Type.String(), Type.Null()]),
            complete: Type.Boolean(),
            details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          }),
        },
      },
    },
    async (request) => {
      const { code } = request.params
      if (!isInstrumentCode(code)) {
        throw new AppError(
          'NOT_FOUND',
          `Unknown instrument "${code}"; known: ${INSTRUMENTS.map((i) => i.code).join(', ')}`,
        )
      }
      try {
        return scoreInstrument(code, request.body.answers)
      } catch (error) {
        if (error instanceof InstrumentAnswerError) {
          throw new AppError('VALIDATION_FAILED', error.message, { field: `answers.${error.item}`, value: error.value })
        }
        throw error
      }
    },
  )
}
