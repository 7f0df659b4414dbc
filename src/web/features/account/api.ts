import { accountContract } from '../../../shared/contracts/account.js'
import { call } from '../../api/client.js'

export type { AccountSession } from '../../../shared/contracts/account.js'

export const accountApi = {
  sessions: () => call(accountContract.sessions),
  endSession: (id: string) => call(accountContract.endSession, { params: { id } }),
  requestReset: (email: string) => call(accountContract.requestReset, { body: { email } }),
  readLink: (token: string) => call(accountContract.readLink, { body: { token } }),
  setPassword: (token: string, password: string) => call(accountContract.setPassword, { body: { token, password } }),
  changePassword: (currentPassword: string, newPassword: string) =>
    call(accountContract.changePassword, { body: { currentPassword, newPassword } }),
}
