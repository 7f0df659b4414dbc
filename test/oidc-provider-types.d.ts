// oidc-provider ships no typings: the little the tests use of it.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface ProviderAccount {
    accountId: string
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>
  }

  /** The part of Koa's context the tests read. */
  export interface ProviderContext {
    path: string
    query: Record<string, string | string[] | undefined>
    oidc?: { params?: Record<string, unknown> }
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    callback(): (request: IncomingMessage, response: ServerResponse) => void
    Grant: new (properties: {
      accountId: string
      clientId: string
    }) => {
      addOIDCScope(scope: string): void
      addOIDCClaims(claims: string[]): void
      save(): Promise<string>
    }
    on(event: string, listener: (context: ProviderContext, ...args: unknown[]) => void): void
    use(middleware: (context: ProviderContext, next: () => Promise<void>) => Promise<void>): void
  }
}
