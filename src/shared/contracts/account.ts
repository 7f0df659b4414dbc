/** What a signed-in person manages about their own account: the `/account` routes (« Mon compte »). */
import { type Static, Type } from 'typebox'
import { NoContent } from './common.js'
import { route } from './route.js'

/** One of the user's open sessions, described without anything that would open it. */
export const AccountSessionSchema = Type.Object({
  /** An opaque name of the session (not its token, nor the token's hash). */
  id: Type.String(),
  /** The browser and the system, read from the user agent ("Firefox", "Windows"); null when unknown. */
  browser: Type.Union([Type.String(), Type.Null()]),
  system: Type.Union([Type.String(), Type.Null()]),
  startedAt: Type.String(),
  lastSeenAt: Type.String(),
  /** The session this request comes from. */
  isCurrent: Type.Boolean(),
})

export const SessionIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

export type AccountSession = Static<typeof AccountSessionSchema>

export const accountContract = {
  sessions: route('GET', '/account/sessions', {
    tags: ['account'],
    response: { 200: Type.Object({ items: Type.Array(AccountSessionSchema) }) },
  }),
  /** Ends one of one's own sessions, on every instance at once; 404 when it is not one of theirs. */
  endSession: route('DELETE', '/account/sessions/:id', {
    tags: ['account'],
    params: SessionIdParams,
    response: { 204: NoContent },
  }),
}
