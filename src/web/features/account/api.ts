import { accountContract } from '../../../shared/contracts/account.js'
import { call } from '../../api/client.js'

export type { AccountSession } from '../../../shared/contracts/account.js'

export const accountApi = {
  sessions: () => call(accountContract.sessions),
  endSession: (id: string) => call(accountContract.endSession, { params: { id } }),
}
