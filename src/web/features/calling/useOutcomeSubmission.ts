// Sending an outcome until the server has it: the request is kept with the draft (same Idempotency-Key on every
// try), goes out again by itself after a reload, when the connection comes back, and every few seconds while the
// server is unreachable; it leaves the browser's storage only once acknowledged.
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client.js'
import { describeError, serverFieldIssues } from '../../components/errors.js'
import { type Assignment, callingApi, type SavedCall } from './api.js'
import { type CallDraft, removeDraft } from './drafts.js'
import { ERROR_TEXT_VALUES, explainServerIssue } from './outcome.js'

const RETRY_EVERY_MS = 20_000

export type SendState = 'idle' | 'sending' | 'offline' | 'serverDown' | 'unauthenticated' | 'conflict' | 'failed'

/**
 * What the page learns once a call is saved: the call, and when the save claimed the next household (« Enchaîner »)
 * that household, or null when nothing is due; `next` is undefined when no claim was asked or the claim was refused.
 */
export type OnSaved = (call: SavedCall, draft: CallDraft, next: Assignment | null | undefined) => void

/**
 * The outcome's submission for the draft held in `draftRef`: `send(draft)` sends the draft's submission, once at a
 * time, asking the server to claim the next household in the same request when `claimsNext(draft)` says so. A refusal
 * opens the form again (the draft loses its submission): field issues go to `onFieldErrors` (field → message), a
 * household taken over ends in the `conflict` state. The draft is written through `persist`.
 */
export function useOutcomeSubmission({
  draftRef,
  persist,
  onSaved,
  claimsNext,
  onFieldErrors,
}: {
  draftRef: RefObject<CallDraft>
  persist: (draft: CallDraft) => void
  onSaved: OnSaved
  claimsNext: (draft: CallDraft) => boolean
  onFieldErrors: (errors: Record<string, string>) => void
}) {
  const { t } = useTranslation()
  const [sendState, setSendState] = useState<SendState>('idle')
  const [failure, setFailure] = useState('')
  const inFlight = useRef(false)

  const send = useCallback(
    async (current: CallDraft) => {
      if (!current.submission || inFlight.current) return
      inFlight.current = true
      setSendState('sending')
      try {
        const { call, next } = await callingApi.saveOutcome(
          current.assignment.id,
          current.submission.idempotencyKey,
          current.submission.body,
          claimsNext(current),
        )
        // Only now, with the server's acknowledgement, may the caller's words leave the browser.
        removeDraft(current.assignment.id)
        setSendState('idle')
        onSaved(call, current, next)
      } catch (error) {
        const status = error instanceof ApiError ? error.status : 0
        const code = error instanceof ApiError ? error.code : ''
        if (status === 0) setSendState('offline')
        else if (status >= 500 || status === 429) setSendState('serverDown')
        else if (status === 401) setSendState('unauthenticated')
        else if ((status === 409 && code !== 'IDEMPOTENCY_KEY_REUSED') || status === 404) {
          // Another caller has the household now: nothing more can be saved for it. The form opens again so the
          // caller can read and copy what they typed before discarding it.
          persist({ ...current, submission: null, updatedAt: new Date().toISOString() })
          setSendState('conflict')
        } else {
          // Refused as it stands (nothing was saved): the form opens again, with the reasons next to the fields. A key
          // already used for another request (never sent by this page: a key is made per submission) lands here too:
          // the next save makes a new one.
          persist({ ...current, submission: null, updatedAt: new Date().toISOString() })
          const issues = error instanceof ApiError && status === 400 ? serverFieldIssues(error.details) : []
          if (issues.length) {
            setSendState('idle')
            onFieldErrors(
              Object.fromEntries(
                issues.map((issue) => [
                  issue.field,
                  t(`calling.errors.${explainServerIssue(issue.field, issue.message)}`, ERROR_TEXT_VALUES),
                ]),
              ),
            )
          } else {
            setSendState('failed')
            setFailure(describeError(t, error))
          }
        }
      } finally {
        inFlight.current = false
      }
    },
    [onSaved, claimsNext, persist, onFieldErrors, t],
  )

  // A save pending from before a reload, a lost connection or an expired session goes out again by itself.
  useEffect(() => {
    if (draftRef.current.submission) void send(draftRef.current)
    const retry = () => {
      if (draftRef.current.submission) void send(draftRef.current)
    }
    window.addEventListener('online', retry)
    return () => window.removeEventListener('online', retry)
  }, [send, draftRef])

  useEffect(() => {
    if (sendState !== 'offline' && sendState !== 'serverDown') return
    const timer = setInterval(() => {
      if (draftRef.current.submission) void send(draftRef.current)
    }, RETRY_EVERY_MS)
    return () => clearInterval(timer)
  }, [sendState, send, draftRef])

  return { sendState, failure, send }
}
