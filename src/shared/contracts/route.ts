/**
 * A route's contract: method, path under /api and the TypeBox schemas of its request and responses, written once in
 * `src/shared/contracts/<feature>.ts`. The server registers the route from it (`app.route({ ...contract, config,
 * handler })`: input validated, output serialised through the response schema, so nothing leaves that it does not
 * name); the web's typed client (`src/web/api/client.ts`) builds the request and types the answer from the same
 * object.
 */
import type { TSchema } from 'typebox'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface ContractSchema {
  tags?: string[]
  summary?: string
  description?: string
  params?: TSchema
  querystring?: TSchema
  body?: TSchema
  headers?: TSchema
  response: Record<number, TSchema | { description: string; content: Record<string, { schema: TSchema }> }>
  consumes?: string[]
  produces?: string[]
  security?: Array<Record<string, string[]>>
}

export interface RouteContract<
  M extends HttpMethod = HttpMethod,
  U extends string = string,
  S extends ContractSchema = ContractSchema,
> {
  method: M
  url: U
  schema: S
}

/** Declares a route's contract; `url` is relative to /api (e.g. `/households/:id`). */
export function route<const M extends HttpMethod, const U extends string, const S extends ContractSchema>(
  method: M,
  url: U,
  schema: S,
): RouteContract<M, U, S> {
  return { method, url, schema }
}
