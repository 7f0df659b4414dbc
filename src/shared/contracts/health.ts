import { Type } from 'typebox'
import { Nullable } from './common.js'
import { route } from './route.js'

const Engine = Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')])

export const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  database: Engine,
  version: Type.String(),
})

/** One background worker of the instance (mail outbox, review rollups), as its heartbeat shows it. */
export const WorkerStateSchema = Type.Object({
  status: Type.Union([Type.Literal('alive'), Type.Literal('stalled'), Type.Literal('stopped')]),
  lastBeatAt: Nullable(Type.String({ format: 'date-time' })),
  busySeconds: Type.Integer({ minimum: 0 }),
})

export const ReadySchema = Type.Object({
  status: Type.Literal('ready'),
  database: Engine,
  migrations: Type.Literal('current'),
  /** By worker name; a worker not configured (the outbox without SMTP_URL) is absent. */
  workers: Type.Record(Type.String(), WorkerStateSchema),
})

/** What is missing, in the `details` of the 503 (the one error format). */
export const NotReadyDetailsSchema = Type.Object({
  database: Type.Union([Type.Literal('reachable'), Type.Literal('unreachable')]),
  migrations: Type.Union([Type.Literal('current'), Type.Literal('pending'), Type.Literal('unknown')]),
  pendingMigrations: Type.Array(Type.String()),
  workers: Type.Record(Type.String(), WorkerStateSchema),
  /** One sentence per missing thing, e.g. "worker outbox stalled". */
  missing: Type.Array(Type.String()),
})

export const NotReadySchema = Type.Object({
  error: Type.Object({
    code: Type.Literal('SERVICE_UNAVAILABLE'),
    message: Type.String(),
    details: NotReadyDetailsSchema,
  }),
})

export const healthContract = {
  /** Liveness: the process answers and its database too. */
  read: route('GET', '/health', { tags: ['health'], security: [], response: { 200: HealthSchema } }),
  /**
   * Readiness, for a load balancer or an orchestrator: the database answers, its schema is this version's, and every
   * background worker of the instance is alive. 503 names what is missing.
   */
  ready: route('GET', '/ready', {
    tags: ['health'],
    security: [],
    response: { 200: ReadySchema, 503: NotReadySchema },
  }),
}
