import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { instrumentsContract } from '../../../shared/contracts/instruments.js'
import {
  INSTRUMENTS,
  InstrumentAnswerError,
  isInstrumentCode,
  scoreInstrument,
} from '../../../shared/instruments/index.js'
import { AppError } from '../../http/errors.js'

export const instrumentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...instrumentsContract.list,
    config: { access: 'instrument.use' },
    handler: async () => ({ items: INSTRUMENTS }),
  })

  app.route({
    ...instrumentsContract.score,
    config: { access: 'instrument.use' },
    handler: async (request) => {
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
  })
}
