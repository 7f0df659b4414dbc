/**
 * Changes every app instance must apply at once. Several instances share one PostgreSQL database, and each keeps
 * things in memory for a few seconds (the sessions it validated, session-cache.ts). A change that must take effect
 * everywhere on the very next request (a session ended, an account disabled, a password changed, a membership given)
 * is announced with `announce`: applied in this process at once, and on PostgreSQL sent with NOTIFY on the channel
 * `allervers_changes`, which every instance LISTENs to on a connection of its own (`startChangeListener`). NOTIFY is
 * transactional: announced inside a transaction, it is delivered when that commits and never if it rolls back.
 * SQLite serves one instance: the change is applied in this process only.
 *
 * While an instance's listener is not connected (start-up, a lost connection) it may miss announcements, so
 * whatever a handler protects must not be trusted: `isListening()` says so, and the session cache is bypassed then.
 */
import { sql } from 'kysely'
import pg from 'pg'
import type { Db } from './database.js'

export const CHANGE_CHANNEL = 'allervers_changes'

/** What changed. `sessions`: one session, every session of a user, or every session ("all") must be read again. */
export type Change = { topic: 'sessions'; sessionId?: string; userId?: string }

type Handler = (change: Change) => void
const handlers = new Set<Handler>()

/** Runs `handler` for every change announced, here or (on PostgreSQL) by any instance. */
export function onChange(handler: Handler): () => void {
  handlers.add(handler)
  return () => handlers.delete(handler)
}

function apply(change: Change) {
  for (const handler of handlers) handler(change)
}

/** Applies the change here, and on PostgreSQL tells every instance (when `db`'s transaction commits, if in one). */
export async function announce(db: Db, change: Change) {
  apply(change)
  if (db.engine === 'postgres') {
    await sql`select pg_notify(${CHANGE_CHANNEL}, ${JSON.stringify(change)})`.execute(db)
  }
}

let listeners = 0
let connected = 0

/**
 * Whether announcements of other instances reach this process: always on SQLite (one instance); on PostgreSQL only
 * while every listener started here is connected.
 */
export function isListening(): boolean {
  return listeners === 0 || connected === listeners
}

function parse(payload: string | undefined): Change | undefined {
  try {
    const change = JSON.parse(payload ?? '') as Change
    return change && change.topic === 'sessions' ? change : undefined
  } catch {
    return undefined
  }
}

export interface ChangeListener {
  stop(): Promise<void>
  /** Resolves once the listener has connected (at start-up). */
  ready: Promise<void>
}

/**
 * LISTENs on PostgreSQL for the changes other instances announce; reconnects after a lost connection (and, having
 * possibly missed some, applies "everything changed"). Nothing to do on SQLite.
 */
export function startChangeListener(
  db: Db,
  options: { onError?: (error: Error) => void; retryMs?: number } = {},
): ChangeListener {
  if (db.engine !== 'postgres' || !db.postgresUrl) return { stop: async () => {}, ready: Promise.resolve() }
  const url = db.postgresUrl
  const retryMs = options.retryMs ?? 1000
  let client: pg.Client | undefined
  let isConnected = false
  let isStopped = false
  let timer: NodeJS.Timeout | undefined
  let markReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    markReady = resolve
  })
  listeners++

  const lost = (error?: Error) => {
    if (isConnected) {
      isConnected = false
      connected--
    }
    if (error && !isStopped) options.onError?.(error)
    const old = client
    client = undefined
    old?.removeAllListeners()
    old?.on('error', () => {})
    void old?.end().catch(() => {})
    if (!isStopped) timer = setTimeout(connect, retryMs)
  }

  const connect = async () => {
    timer = undefined
    const next = new pg.Client({ connectionString: url })
    client = next
    next.on('error', (error) => lost(error))
    next.on('end', () => {
      if (client === next) lost(new Error('change listener: connection ended'))
    })
    next.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL) return
      const change = parse(message.payload)
      if (change) apply(change)
    })
    try {
      await next.connect()
      await next.query(`LISTEN ${CHANGE_CHANNEL}`)
      if (isStopped || client !== next) {
        await next.end().catch(() => {})
        return
      }
      isConnected = true
      connected++
      // Announcements made while no listener was connected were missed: everything is read again.
      apply({ topic: 'sessions' })
      markReady()
    } catch (error) {
      if (client === next) lost(error as Error)
    }
  }
  void connect()

  return {
    ready,
    async stop() {
      if (isStopped) return
      isStopped = true
      if (timer) clearTimeout(timer)
      if (isConnected) {
        isConnected = false
        connected--
      }
      listeners--
      const last = client
      client = undefined
      markReady()
      if (last) {
        last.removeAllListeners()
        last.on('error', () => {})
        await last.end().catch(() => {})
      }
    },
  }
}
