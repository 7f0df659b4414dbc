import { type RefObject, useEffect, useState } from 'react'
import { ApiError } from '../../api/client.js'
import { callingApi } from './api.js'
import type { CallDraft } from './drafts.js'

const RENEW_EVERY_MS = 5 * 60_000

/**
 * Keeps the household while the workspace is open: the lease lasts 15 minutes, renewed every 5 (at once after a
 * reload) until the outcome is submitted. True once the household is no longer the caller's.
 */
export function useLeaseRenewal(draftRef: RefObject<CallDraft>, isRestored: boolean): boolean {
  const [isLeaseLost, setLeaseLost] = useState(false)
  useEffect(() => {
    const id = draftRef.current.assignment.id
    const renew = () => {
      if (draftRef.current.submission) return
      callingApi.renew(id).then(
        () => setLeaseLost(false),
        (error) => {
          if (error instanceof ApiError && (error.status === 409 || error.status === 404)) setLeaseLost(true)
        },
      )
    }
    if (isRestored) renew()
    const timer = setInterval(renew, RENEW_EVERY_MS)
    return () => clearInterval(timer)
  }, [draftRef, isRestored])
  return isLeaseLost
}
