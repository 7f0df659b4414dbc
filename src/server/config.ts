import { createHash } from 'node:crypto'
import { isIP } from 'node:net'
import { resolve } from 'node:path'
import { DEFAULT_DUE_HOURS, URGENCIES, type Urgency } from '../shared/referrals.js'
import { isRole, type Role } from '../shared/roles.js'
import { DEFAULT_TABLE_LIMITS, type TableLimits } from './files/limits.js'

/** How imported files are received and read (src/server/files/limits.ts says why each default). */
export interface ImportSettings {
  /** What a file may hold once read: rows, columns, cells, shared strings, uncompressed bytes of a workbook. */
  limits: TableLimits
  /** The largest upload accepted (IMPORT_MAX_UPLOAD_MB, 200). */
  uploadMaxBytes: number
  /** Heap of the thread that reads an upload (IMPORT_READER_MEMORY_MB, 256). */
  readerMemoryMb: number
  /** Uploads read at once, imports included; more wait their turn (IMPORT_READERS, 3). */
  readers: number
  /** Time that thread may take to read a file, then again to hand over its rows (IMPORT_READER_SECONDS, 180). */
  readerSeconds: number
  /** An upload neither imported nor refused is deleted after this many hours (IMPORT_UPLOAD_HOURS, 4). */
  uploadHours: number
}

/** How long what is held about a household is kept (features/retention); an organisation may set its own periods. */
export interface RetentionSettings {
  /** Identity and free texts, after the last contact or the end of the last orientation (RETENTION_CONTACT_MONTHS, 24). */
  contactMonths: number
  /** Households that left the landlord's file, after leaving (RETENTION_LEFT_MONTHS, 3). */
  leftMonths: number
  /** Audit entries (RETENTION_AUDIT_MONTHS, 12). */
  auditMonths: number
  /** Closed requests of the register of tenants' requests, after they were handled (RETENTION_REQUESTS_MONTHS, 60). */
  requestsMonths: number
  /** Whether the server purges on its own (PURGE_ENABLED, true). */
  purgeEnabled: boolean
  /** Seconds between two looks of the purge worker; it purges once per Paris day (PURGE_CHECK_SECONDS, 3600). */
  purgeCheckSeconds: number
}

/** The whole configuration of a running Allervers; read once from the environment by `loadConfig`. */
export interface Config {
  databaseUrl: string
  /** PostgreSQL connections each instance keeps (DATABASE_POOL_SIZE); every instance holds its own pool. */
  databasePoolSize: number
  host: string
  port: number
  /** The address users reach the app at, e.g. https://allervers.example.org; used for links in mail and origin checks. */
  publicUrl: string | null
  sessionIdleMinutes: number
  sessionMaxHours: number
  /** Failed sign-ins allowed per (account, address) pair within the window before 429 (LOGIN_MAX_FAILURES). */
  loginMaxFailures: number
  /** The window of every sign-in count, in minutes, started by the first attempt counted (LOGIN_WINDOW_MINUTES). */
  loginWindowMinutes: number
  /** Failed sign-ins allowed per address (an IPv6 /64) across accounts within the window (LOGIN_ADDRESS_MAX_FAILURES). */
  loginAddressMaxFailures: number
  /** Failures of one account, from all addresses, within the window after which its sign-ins are slowed down. */
  loginAccountSlowdownFailures: number
  /** How long each sign-in on such an account waits before its password is checked; 0 turns the slowdown off. */
  loginAccountSlowdownSeconds: number
  logLevel: string
  webRoot: string
  smtpUrl: string | null
  mailFrom: string
  /**
   * Which peers' X-Forwarded-For Fastify believes (TRUST_PROXY): false, a number of hops (the client is the address
   * that many hops back), or a comma-separated list of proxy addresses, CIDRs and proxy-addr names. Never `true`,
   * which would take the leftmost entry of the header: the one the client writes.
   */
  trustProxy: false | number | string
  /** Hours to accept and to resolve a referral, by urgency (REFERRAL_DUE_HOURS overrides some or all). */
  referralDueHours: Record<Urgency, { accept: number; resolve: number }>
  /** Seconds between two counts of new calls into the review's rollups (STATS_REFRESH_SECONDS). */
  statsRefreshSeconds: number
  /** The folder of the files the server keeps (DATA_DIR, ./data): uploads waiting to be imported live under it. */
  dataDir: string
  imports: ImportSettings
  /** The bearer token that GET /metrics asks for (METRICS_TOKEN); null: /metrics answers 404. */
  metricsToken: string | null
  retention: RetentionSettings
  /** Accounts people manage themselves: invitations, password resets. */
  accounts: AccountSettings
  /** The second factor (TOTP with recovery codes) of local accounts. */
  mfa: MfaSettings
  /** Single sign-on with OpenID Connect (features/sso). */
  sso: SsoConfig
}

export interface SsoConfig {
  /** The key that encrypts the providers' client secrets (SSO_SECRET_KEY, read by `readKey`); null: no SSO can be saved. */
  secretKey: Buffer | null
  /** Longest life of a session opened through a provider, within SESSION_MAX_HOURS (SSO_SESSION_HOURS, 8). */
  sessionHours: number
  /**
   * How often an open session is checked with its provider, when the provider gave a refresh token at sign-in
   * (SSO_RECHECK_MINUTES, 15): a person disabled there or moved out of every mapped group loses access within it.
   */
  recheckMinutes: number
  /** Accept http:// issuers (SSO_ALLOW_HTTP_ISSUER=1): tests and trials on one machine only; refused with NODE_ENV=production. */
  allowHttpIssuer: boolean
}

export interface MfaSettings {
  /**
   * Roles whose local accounts must have a second factor: signing in with one of them enrols it before anything else
   * (MFA_REQUIRED_ROLES, `admin,manager,social_worker,dpo`; `none` for none). Everyone else may choose one.
   */
  requiredRoles: Role[]
  /** The AES-256 key the TOTP secrets are encrypted with (MFA_ENCRYPTION_KEY, read by `readKey`). */
  encryptionKey: Buffer
  /**
   * True when MFA_ENCRYPTION_KEY is not set and the key is the development one (derived from a fixed text, so it is
   * no secret): refused when NODE_ENV=production, warned about at start-up otherwise.
   */
  isDevelopmentKey: boolean
}

export const DEFAULT_MFA_REQUIRED_ROLES: readonly Role[] = ['admin', 'manager', 'social_worker', 'dpo']

function readMfaSettings(env: NodeJS.ProcessEnv): MfaSettings {
  const rawRoles = env.MFA_REQUIRED_ROLES?.trim()
  let requiredRoles: Role[] = [...DEFAULT_MFA_REQUIRED_ROLES]
  if (rawRoles === 'none') requiredRoles = []
  else if (rawRoles) {
    const names = rawRoles
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
    const unknown = names.find((name) => !isRole(name))
    if (unknown !== undefined) {
      throw new ConfigError(`MFA_REQUIRED_ROLES is "none" or a comma-separated list of roles, got "${unknown}"`)
    }
    requiredRoles = [...new Set(names as Role[])]
  }
  const givenKey = readKey(env, 'MFA_ENCRYPTION_KEY')
  if (!givenKey) {
    if (env.NODE_ENV === 'production') {
      throw new ConfigError(`MFA_ENCRYPTION_KEY is required in production: ${KEY_FORMAT}`)
    }
    const encryptionKey = createHash('sha256').update('allervers development MFA key (not a secret)').digest()
    return { requiredRoles, encryptionKey, isDevelopmentKey: true }
  }
  return { requiredRoles, encryptionKey: givenKey, isDevelopmentKey: false }
}

export interface AccountSettings {
  /** How long an invitation's link sets a password (INVITATION_HOURS, 72). */
  invitationHours: number
  /** How long a reset's link works, and the window of the reset counts (PASSWORD_RESET_MINUTES, 60). */
  passwordResetMinutes: number
  /** Reset requests per client address within the window before 429 (PASSWORD_RESET_MAX_PER_ADDRESS, 10). */
  passwordResetMaxPerAddress: number
  /** Reset mails sent to one account within the window; more requests are answered the same, and send nothing. */
  passwordResetMaxPerAccount: number
}

export class ConfigError extends Error {}

/** The one format of the server's AES-256 keys (MFA_ENCRYPTION_KEY, SSO_SECRET_KEY), as the messages say it. */
const KEY_FORMAT =
  '32 random bytes, written as 64 hexadecimal digits (`openssl rand -hex 32`) or in base64 (`openssl rand -base64 32`)'

/**
 * An AES-256 key from the environment: 64 hexadecimal digits or 32 bytes in base64 (padded or not), either for each
 * key. The two spellings cannot be confused: 64 characters of base64 would be 48 bytes. Null when the variable is unset.
 */
function readKey(env: NodeJS.ProcessEnv, name: string): Buffer | null {
  const raw = env[name]?.trim()
  if (!raw) return null
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex')
  if (/^[A-Za-z0-9+/]{43}=?$/.test(raw)) {
    const key = Buffer.from(raw, 'base64')
    if (key.length === 32) return key
  }
  throw new ConfigError(`${name} must be ${KEY_FORMAT}; got a value of ${raw.length} characters that is neither`)
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`)
  }
  return value
}

/** Addresses of proxy-addr's own names (`loopback`: 127.0.0.1/8 and ::1, …), accepted in a TRUST_PROXY list. */
const PROXY_ADDRESS_NAMES = ['loopback', 'linklocal', 'uniquelocal']

/** An IPv4 or IPv6 address, alone or with a prefix length (`10.0.0.0/8`, `fd00::/8`). */
function isAddressOrRange(item: string): boolean {
  const [address, prefix, ...rest] = item.split('/')
  const version = isIP(address ?? '')
  if (!version || rest.length) return false
  if (prefix === undefined) return true
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128)
}

/**
 * TRUST_PROXY: unset, empty, `0` or `false`: off (the socket's address is the client's). A positive whole number N:
 * N proxies stand in front, the client is the address N hops back (with 1, the last X-Forwarded-For entry, the one
 * the proxy appended); `true` is read as 1, as it meant "one proxy in front" here. Otherwise a comma-separated list
 * of the proxies' addresses, CIDRs, `loopback`, `linklocal` or `uniquelocal`, believed wherever they stand.
 * Fastify's own `true` (trust every hop, take the leftmost entry) is never used: the client writes that entry.
 */
function readTrustProxy(raw: string | undefined): false | number | string {
  const value = raw?.trim() ?? ''
  const lowered = value.toLowerCase()
  if (lowered === '' || lowered === '0' || lowered === 'false') return false
  if (lowered === 'true') return 1
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops > 100) throw new ConfigError(`TRUST_PROXY must count at most 100 proxies, got "${value}"`)
    return hops
  }
  const items = value.split(',').map((item) => item.trim())
  const wrong = items.find((item) => !PROXY_ADDRESS_NAMES.includes(item) && !isAddressOrRange(item))
  if (wrong !== undefined) {
    throw new ConfigError(
      `TRUST_PROXY must be 0/false, a number of proxies in front (1, 2, …), or a comma-separated list of their addresses, CIDRs, loopback, linklocal or uniquelocal; got "${wrong}" in "${value}"`,
    )
  }
  return items.join(',')
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
  const loginMaxFailures = readInteger(env, 'LOGIN_MAX_FAILURES', 10, 1, 1000)
  const loginAddressMaxFailures = readInteger(env, 'LOGIN_ADDRESS_MAX_FAILURES', 50, 1, 100_000)
  if (loginAddressMaxFailures < loginMaxFailures) {
    throw new ConfigError(
      `LOGIN_ADDRESS_MAX_FAILURES (${loginAddressMaxFailures}) counts every account of an address and must be at least LOGIN_MAX_FAILURES (${loginMaxFailures})`,
    )
  }
  const ssoSecretKey = readKey(env, 'SSO_SECRET_KEY')
  const allowHttpIssuer = env.SSO_ALLOW_HTTP_ISSUER === '1' || env.SSO_ALLOW_HTTP_ISSUER === 'true'
  if (allowHttpIssuer && env.NODE_ENV === 'production') {
    throw new ConfigError(
      'SSO_ALLOW_HTTP_ISSUER is refused when NODE_ENV=production: an http:// provider lets anyone on the way forge sign-ins; unset it',
    )
  }
  const metricsToken = env.METRICS_TOKEN?.trim() || null
  if (metricsToken && !/^[\x21-\x7e]{24,256}$/.test(metricsToken)) {
    throw new ConfigError('METRICS_TOKEN must be 24 to 256 visible ASCII characters (e.g. `openssl rand -hex 32`)')
  }
  return {
    databaseUrl,
    databasePoolSize: readInteger(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    host: env.HOST?.trim() || '127.0.0.1',
    port: readInteger(env, 'PORT', 3000, 0, 65535),
    publicUrl: publicUrl?.replace(/\/+$/, '') ?? null,
    sessionIdleMinutes: readInteger(env, 'SESSION_IDLE_MINUTES', 60, 1, 60 * 24 * 30),
    sessionMaxHours: readInteger(env, 'SESSION_MAX_HOURS', 12, 1, 24 * 90),
    loginMaxFailures,
    loginWindowMinutes: readInteger(env, 'LOGIN_WINDOW_MINUTES', 15, 1, 24 * 60),
    loginAddressMaxFailures,
    loginAccountSlowdownFailures: readInteger(env, 'LOGIN_ACCOUNT_SLOWDOWN_FAILURES', 30, 1, 100_000),
    loginAccountSlowdownSeconds: readInteger(env, 'LOGIN_ACCOUNT_SLOWDOWN_SECONDS', 2, 0, 30),
    logLevel,
    webRoot: resolve(env.WEB_ROOT?.trim() || 'dist/web'),
    smtpUrl: env.SMTP_URL?.trim() || null,
    mailFrom: env.MAIL_FROM?.trim() || 'Allervers <no-reply@allervers.localhost>',
    trustProxy: readTrustProxy(env.TRUST_PROXY),
    referralDueHours: readDueHours(env.REFERRAL_DUE_HOURS),
    statsRefreshSeconds: readInteger(env, 'STATS_REFRESH_SECONDS', 30, 1, 3600),
    dataDir: resolve(env.DATA_DIR?.trim() || './data'),
    imports: readImportSettings(env),
    metricsToken,
    retention: {
      contactMonths: readInteger(env, 'RETENTION_CONTACT_MONTHS', 24, 1, 120),
      leftMonths: readInteger(env, 'RETENTION_LEFT_MONTHS', 3, 0, 120),
      auditMonths: readInteger(env, 'RETENTION_AUDIT_MONTHS', 12, 1, 120),
      requestsMonths: readInteger(env, 'RETENTION_REQUESTS_MONTHS', 60, 1, 120),
      purgeEnabled: !['0', 'false', 'no'].includes(env.PURGE_ENABLED?.trim().toLowerCase() ?? ''),
      purgeCheckSeconds: readInteger(env, 'PURGE_CHECK_SECONDS', 3600, 1, 24 * 3600),
    },
    accounts: {
      invitationHours: readInteger(env, 'INVITATION_HOURS', 72, 1, 24 * 30),
      passwordResetMinutes: readInteger(env, 'PASSWORD_RESET_MINUTES', 60, 5, 24 * 60),
      passwordResetMaxPerAddress: readInteger(env, 'PASSWORD_RESET_MAX_PER_ADDRESS', 10, 1, 10_000),
      passwordResetMaxPerAccount: readInteger(env, 'PASSWORD_RESET_MAX_PER_ACCOUNT', 3, 1, 100),
    },
    mfa: readMfaSettings(env),
    sso: {
      secretKey: ssoSecretKey,
      sessionHours: readInteger(env, 'SSO_SESSION_HOURS', 8, 1, 24 * 90),
      recheckMinutes: readInteger(env, 'SSO_RECHECK_MINUTES', 15, 1, 24 * 60),
      allowHttpIssuer,
    },
  }
}

const MB = 1024 * 1024

function readImportSettings(env: NodeJS.ProcessEnv): ImportSettings {
  const defaults = DEFAULT_TABLE_LIMITS
  return {
    limits: {
      maxUncompressedBytes:
        readInteger(env, 'IMPORT_MAX_UNCOMPRESSED_MB', defaults.maxUncompressedBytes / MB, 1, 64 * 1024) * MB,
      maxRows: readInteger(env, 'IMPORT_MAX_ROWS', defaults.maxRows, 2, 100_000_000),
      maxColumns: readInteger(env, 'IMPORT_MAX_COLUMNS', defaults.maxColumns, 1, 16_384),
      maxCells: readInteger(env, 'IMPORT_MAX_CELLS', defaults.maxCells, 2, 2_000_000_000),
      maxSharedStrings: readInteger(env, 'IMPORT_MAX_SHARED_STRINGS', defaults.maxSharedStrings, 0, 100_000_000),
    },
    uploadMaxBytes: readInteger(env, 'IMPORT_MAX_UPLOAD_MB', 200, 1, 4096) * MB,
    readerMemoryMb: readInteger(env, 'IMPORT_READER_MEMORY_MB', 256, 16, 16 * 1024),
    readers: readInteger(env, 'IMPORT_READERS', 3, 1, 64),
    readerSeconds: readInteger(env, 'IMPORT_READER_SECONDS', 180, 1, 24 * 3600),
    uploadHours: readInteger(env, 'IMPORT_UPLOAD_HOURS', 4, 1, 24 * 7),
  }
}
