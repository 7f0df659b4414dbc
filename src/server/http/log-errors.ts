/**
 * How an error is written to the log: its kind, message and stack, and the database's own codes — never the values
 * it was handling. pino's standard serializer copies every property of an error, and PostgreSQL's carry the data:
 * `detail` ("Failing row contains (…, Durand, +33612345678, …)", "Key (email)=(…) already exists"), `where` (the
 * COPY line with its values), `internalQuery`; its messages quote the value they refused (`invalid input syntax for
 * type uuid: "…"`). A tenant's name, phone, email or note must never reach the log (logs.int.test.ts).
 */
import { stdSerializers } from 'pino'

/** Properties kept: what locates the fault, not what it was handling. */
const KEPT = ['code', 'severity', 'table', 'column', 'constraint', 'routine', 'statusCode'] as const

/** `: "<value>"`: PostgreSQL's way of quoting the value it refused (identifiers follow a word: relation "x"). */
const QUOTED_VALUE = /: "(?:[^"]|"")*"/g

function maskValues(text: string): string {
  return text.replace(QUOTED_VALUE, ': "…"')
}

export interface LoggedError {
  type: string
  message: string
  stack: string
  cause?: LoggedError
  [key: string]: unknown
}

export function serializeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error))
    return { type: typeof error, message: '(not an Error: its value is not logged)', stack: '' }
  const standard = stdSerializers.err(error)
  const message = maskValues(error.message)
  const logged: LoggedError = {
    type: standard.type,
    message,
    stack: (standard.stack ?? '').replace(error.message, message),
  }
  for (const key of KEPT) {
    const value = (error as unknown as Record<string, unknown>)[key]
    if (typeof value === 'string' || typeof value === 'number') logged[key] = value
  }
  if (error.cause !== undefined && depth < 3) logged.cause = serializeError(error.cause, depth + 1)
  return logged
}
