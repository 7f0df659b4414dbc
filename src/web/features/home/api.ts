import { homeContract } from '../../../shared/contracts/home.js'
import { type Answer, call } from '../../api/client.js'

export type Home = Answer<typeof homeContract.today>

export const homeApi = {
  today: () => call(homeContract.today),
}
