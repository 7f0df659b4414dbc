import type { Static, TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type { ContractSchema, RouteContract } from '../../shared/contracts/route.js'

/** An error answered by the API, with its code from the server's closed list. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
  }
}

/** The `reason` an error's details give (`{ reason: 'sso_account', … }`), when it is an API error that gives one. */
export function reasonOf(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined
  const reason = (error.details as { reason?: unknown } | undefined)?.reason
  return typeof reason === 'string' ? reason : undefined
}

type StaticOf<S> = S extends TSchema ? Static<S> : never
type Field<
  S extends ContractSchema,
  K extends 'params' | 'querystring' | 'body',
  Name extends string,
> = S[K] extends TSchema ? { [P in Name]: Static<S[K]> } : { [P in Name]?: undefined }

/** What a call needs: the path's parameters, the query and the body, as the contract declares them. */
export type CallInput<C extends RouteContract> = Field<C['schema'], 'params', 'params'> &
  Field<C['schema'], 'querystring', 'query'> &
  Field<C['schema'], 'body', 'body'> & { headers?: Record<string, string> }

/** The answer of a successful call: the contract's 200 or 201 body (undefined for 204). */
export type Answer<C extends RouteContract> = C['schema']['response'] extends infer R
  ? (200 extends keyof R ? StaticOf<R[200]> : never) | (201 extends keyof R ? StaticOf<R[201]> : never)
  : never

type NeedsInput<S extends ContractSchema> = S['params'] extends TSchema
  ? true
  : S['querystring'] extends TSchema
    ? true
    : S['body'] extends TSchema
      ? true
      : false
type InputOf<C extends RouteContract> =
  NeedsInput<C['schema']> extends true ? [input: CallInput<C>] : [input?: CallInput<C>]

/** The URL of a route with its parameters and query filled in, e.g. for a download link. */
export function urlOf<C extends RouteContract>(
  contract: C,
  input: { params?: Record<string, unknown>; query?: Record<string, unknown> } = {},
): string {
  const path = contract.url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = input.params?.[name]
    if (value === undefined) throw new Error(`missing path parameter "${name}" for ${contract.url}`)
    return encodeURIComponent(String(value))
  })
  const parameters = new URLSearchParams()
  for (const [key, value] of Object.entries(input.query ?? {})) {
    if (value === undefined || value === null || value === '') continue
    if (Array.isArray(value)) for (const item of value) parameters.append(key, String(item))
    else parameters.set(key, String(value))
  }
  const search = parameters.toString()
  return `/api${path}${search ? `?${search}` : ''}`
}

/**
 * Calls a route through its contract: the path, query and body are typed from its schemas, and the answer is
 * checked against the response schema before it reaches a screen (a mismatch is an `UNEXPECTED_RESPONSE` error,
 * never a silently wrong page).
 */
export async function call<C extends RouteContract>(contract: C, ...args: InputOf<C>): Promise<Answer<C>> {
  const input = (args[0] ?? {}) as {
    params?: Record<string, unknown>
    query?: Record<string, unknown>
    body?: unknown
    headers?: Record<string, string>
  }
  let response: Response
  try {
    response = await fetch(urlOf(contract, input), {
      method: contract.method,
      credentials: 'same-origin',
      headers: { ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}), ...input.headers },
      body: input.body !== undefined ? JSON.stringify(input.body) : undefined,
    })
  } catch {
    throw new ApiError(0, 'NETWORK', 'network')
  }
  if (response.status === 204) return undefined as Answer<C>
  const text = await response.text()
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    throw new ApiError(response.status, response.ok ? 'UNEXPECTED_RESPONSE' : 'INTERNAL', response.statusText)
  }
  if (!response.ok) {
    const error = (body as { error?: { code: string; message: string; details?: unknown } } | undefined)?.error ?? {
      code: 'INTERNAL',
      message: response.statusText,
    }
    throw new ApiError(response.status, error.code, error.message, error.details)
  }
  const schema = contract.schema.response[response.status]
  if (schema && 'content' in schema === false && !Value.Check(schema as TSchema, body)) {
    const [first] = Value.Errors(schema as TSchema, body)
    throw new ApiError(
      response.status,
      'UNEXPECTED_RESPONSE',
      `The answer of ${contract.method} ${contract.url} does not match its contract${first ? ` at ${first.instancePath || '/'}: ${first.message}` : ''}`,
    )
  }
  return body as Answer<C>
}
