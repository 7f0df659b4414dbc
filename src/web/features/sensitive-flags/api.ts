import type { Static } from 'typebox'
import { type SensitiveFlagQuery, sensitiveFlagsContract } from '../../../shared/contracts/sensitive-flags.js'
import { call } from '../../api/client.js'

export const sensitiveFlagsApi = {
  list: (query: Static<typeof SensitiveFlagQuery>) => call(sensitiveFlagsContract.list, { query }),
}
