import { accountContract } from '../../../shared/contracts/account.js'
import { authContract } from '../../../shared/contracts/auth.js'
import { usersContract } from '../../../shared/contracts/users.js'
import { call } from '../../api/client.js'

export const mfaApi = {
  // The second step of signing in (the pending sign-in's cookie goes with each call).
  verify: (code: string) => call(authContract.mfaVerify, { body: { code } }),
  beginAtSignIn: () => call(authContract.mfaEnrolment),
  confirmAtSignIn: (code: string) => call(authContract.mfaConfirm, { body: { code } }),
  // « Mon compte ».
  status: () => call(accountContract.mfa),
  begin: () => call(accountContract.mfaEnrolment),
  confirm: (code: string) => call(accountContract.mfaConfirm, { body: { code } }),
  disable: (password: string) => call(accountContract.mfaDisable, { body: { password } }),
  regenerate: (proof: { password?: string; code?: string }) => call(accountContract.mfaRecoveryCodes, { body: proof }),
  // An administrator, for a lost phone.
  reset: (userId: string) => call(usersContract.resetMfa, { params: { id: userId } }),
}
