import { resolve } from 'node:path'
import { DEFAULT_DUE_HOURS, URGENCIES, type Urgency } from '../shared/referrals.js'

/** The whole configuration of a running Allervers; read once from the environment by `loadConfig`. */
export interface Config {
  databaseUrl: string
  host: string
  port: number
  /** The address users reach the app at, e.g. https://allervers.example.org; used for links in mail and origin checks. */
  publicUrl: string | null
  sessionIdleMinutes: number
  sessionMaxHours: number
  loginMaxFailures: number
  loginWindowMinutes: number
  logLevel: string
  webRoot: string
  smtpUrl: string | null
  mailFrom: string
  trustProxy: boolean
  /** Hours to accept and to resolve a referral, by urgency (REFERRAL_DUE_HOURS overrides some or all). */
  referralDueHours: Record<Urgency, { accept: number; resolve: number }>
  /** Seconds between two counts of new calls into the review's rollups (STATS_REFRESH_SECONDS). */
  statsRefreshSeconds: number
  /** The bearer token that GET /metrics asks for (METRICS_TOKEN); null: /metrics answers 404. */
  metricsToken: string | null
}

export class ConfigError extends Error {}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`)
  }
  return value
}

/**
 * `REFERRAL_DUE_HOURS="immediate=1/24,within_24h=24/72"`: for each urgency named, hours to accept / hours to resolve.
 * Urgencies not named keep their default.
 */
function readDueHours(raw: string | undefined): Config['referralDueHours'] {
  const hours = structuredClone(DEFAULT_DUE_HOURS) as Config['referralDueHours']
  if (!raw?.trim()) return hours
  for (const item of raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([a-z0-9_]+)=(\d+)\/(\d+)$/.exec(item)
    const urgency = match?.[1] as Urgency | undefined
    if (!match || !urgency || !URGENCIES.includes(urgency)) {
      throw new ConfigError(
        `REFERRAL_DUE_HOURS items look like urgency=accept/resolve with an urgency among ${URGENCIES.join(', ')}, got "${item}"`,
      )
    }
    const accept = Number(match[2])
    const resolve = Number(match[3])
    if (accept < 1 || resolve < accept || resolve > 24 * 365) {
      throw new ConfigError(
        `REFERRAL_DUE_HOURS: for ${urgency} the hours must satisfy 1 ≤ accept ≤ resolve ≤ 8760, got "${item}"`,
      )
    }
    hours[urgency] = { accept, resolve }
  }
  return hours
}

/** Reads and validates the environment; the only place in the server that touches process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || 'sqlite:./data/allervers.sqlite'
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl) && /^[a-z]+:\/\//i.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must be a SQLite path, sqlite:<path> or postgres://…, got "${databaseUrl}"`)
  }
  const publicUrl = env.PUBLIC_URL?.trim() || null
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new ConfigError(`PUBLIC_URL must look like https://host[:port], got "${publicUrl}"`)
  }
  const logLevel = env.LOG_LEVEL?.trim() || 'info'
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "${logLevel}"`)
  }
  const metricsToken = env.METRICS_TOKEN?.trim() || null
  if (metricsToken && !/^[\x21-\x7e]{24,256}$/.test(metricsToken)) {
    throw new ConfigError('METRICS_TOKEN must be 24 to 256 visible ASCII characters (e.g. `openssl rand -hex 32`)')
  }
  return {
    databaseUrl,
    host: env.HOST?.trim() || '127.0.0.1',
    port: readInteger(env, 'PORT', 3000, 0, 65535),
    publicUrl: publicUrl?.replace(/\/+$/, '') ?? null,
    sessionIdleMinutes: readInteger(env, 'SESSION_IDLE_MINUTES', 60, 1, 60 * 24 * 30),
    sessionMaxHours: readInteger(env, 'SESSION_MAX_HOURS', 12, 1, 24 * 90),
    loginMaxFailures: readInteger(env, 'LOGIN_MAX_FAILURES', 10, 1, 1000),
    loginWindowMinutes: readInteger(env, 'LOGIN_WINDOW_MINUTES', 15, 1, 24 * 60),
    logLevel,
    webRoot: resolve(env.WEB_ROOT?.trim() || 'dist/web'),
    smtpUrl: env.SMTP_URL?.trim() || null,
    mailFrom: env.MAIL_FROM?.trim() || 'Allervers <no-reply@allervers.localhost>',
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    referralDueHours: readDueHours(env.REFERRAL_DUE_HOURS),
    statsRefreshSeconds: readInteger(env, 'STATS_REFRESH_SECONDS', 30, 1, 3600),
    metricsToken,
  }
}
