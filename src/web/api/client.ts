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

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  let response: Response
  try {
    response = await fetch(`/api${path}`, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    })
  } catch {
    throw new ApiError(0, 'NETWORK', 'network')
  }
  if (response.status === 204) return undefined as T
  const text = await response.text()
  const body = text ? JSON.parse(text) : undefined
  if (!response.ok) {
    const error = body?.error ?? { code: 'INTERNAL', message: response.statusText }
    throw new ApiError(response.status, error.code, error.message, error.details)
  }
  return body as T
}

export interface Membership {
  organization: { code: string; name: string; type: 'landlord' | 'association' | 'partner' }
  role: 'admin' | 'manager' | 'caller' | 'social_worker' | 'partner' | 'viewer'
}

export interface SessionUser {
  id: string
  email: string
  name: string
  locale: string
  memberships: Membership[]
}
