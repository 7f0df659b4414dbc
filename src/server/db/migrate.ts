import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely'
import * as foundation from './migrations/2026-11-26T01-foundation.js'
import * as campaigns from './migrations/2026-11-26T02-campaigns.js'
import * as referrals from './migrations/2026-11-26T03-referrals.js'
import * as imports from './migrations/2026-11-26T04-imports.js'
import * as review from './migrations/2026-11-30T01-review.js'
import * as targetingIndexes from './migrations/2026-11-30T02-targeting-indexes.js'
import * as callingIndexes from './migrations/2026-11-30T03-calling-indexes.js'
import * as statsRollups from './migrations/2026-12-01T20-stats-rollups.js'
import * as loginThrottle from './migrations/2026-12-04T10-login-throttle.js'
import * as callRequestHash from './migrations/2026-12-04T20-call-request-hash.js'
import * as targetHeldAt from './migrations/2026-12-05T01-c-target-held-at.js'
import * as householdSearchName from './migrations/2026-12-05T02-a-household-search-name.js'
import * as retention from './migrations/2026-12-05T10-h-retention.js'
import * as dataRequests from './migrations/2026-12-05T30-i-data-requests.js'
import * as sensitiveFlag from './migrations/2026-12-05T31-s-sensitive-flag.js'
import * as accountTokens from './migrations/2026-12-05T40-j-account-tokens.js'
import * as callSuggestions from './migrations/2026-12-05T50-d-call-suggestions.js'
import * as mfa from './migrations/2026-12-05T50-m-mfa.js'
import * as oidc from './migrations/2026-12-05T50-o-oidc.js'
import * as callerDay from './migrations/2026-12-05T50-w-caller-day.js'
import * as civility from './migrations/2026-12-06T10-x-civility.js'
import * as flagWithoutHousehold from './migrations/2026-12-06T20-f-flag-without-household.js'
import * as callbacksIndex from './migrations/2026-12-06T20-r-callbacks-index.js'
import * as requestsRetention from './migrations/2026-12-06T30-q-requests-retention.js'
import * as rectifiedFields from './migrations/2026-12-06T40-a-rectified-fields.js'
import * as ssoSession from './migrations/2026-12-07T10-o-sso-session.js'
import * as requireSso from './migrations/2026-12-07T20-r-require-sso.js'
import * as ssoSessionSid from './migrations/2026-12-07T30-o-sso-session-sid.js'

// Listed by hand rather than read from the folder: works the same under tsx, a bundle or a compiled build.
const migrations: Record<string, Migration> = {
  '2026-11-26T01-foundation': foundation,
  '2026-11-26T02-campaigns': campaigns,
  '2026-11-26T03-referrals': referrals,
  '2026-11-26T04-imports': imports,
  '2026-11-30T01-review': review,
  '2026-11-30T02-targeting-indexes': targetingIndexes,
  '2026-11-30T03-calling-indexes': callingIndexes,
  '2026-12-01T20-stats-rollups': statsRollups,
  '2026-12-04T10-login-throttle': loginThrottle,
  '2026-12-04T20-call-request-hash': callRequestHash,
  '2026-12-05T01-c-target-held-at': targetHeldAt,
  '2026-12-05T02-a-household-search-name': householdSearchName,
  '2026-12-05T10-h-retention': retention,
  '2026-12-05T30-i-data-requests': dataRequests,
  '2026-12-05T31-s-sensitive-flag': sensitiveFlag,
  '2026-12-05T40-j-account-tokens': accountTokens,
  '2026-12-05T50-m-mfa': mfa,
  '2026-12-05T50-o-oidc': oidc,
  '2026-12-05T50-d-call-suggestions': callSuggestions,
  '2026-12-05T50-w-caller-day': callerDay,
  '2026-12-06T10-x-civility': civility,
  '2026-12-06T20-f-flag-without-household': flagWithoutHousehold,
  '2026-12-06T20-r-callbacks-index': callbacksIndex,
  '2026-12-06T30-q-requests-retention': requestsRetention,
  '2026-12-06T40-a-rectified-fields': rectifiedFields,
  '2026-12-07T10-o-sso-session': ssoSession,
  '2026-12-07T20-r-require-sso': requireSso,
  '2026-12-07T30-o-sso-session-sid': ssoSessionSid,
}

export const migrationProvider: MigrationProvider = { getMigrations: async () => migrations }

/**
 * Work on parallel branches lands migrations out of their names' order (a database may have run `…T31…` before
 * `…T10…` existed); each migration touches its own tables, so the ones missing run even when a later-named one ran.
 */
const migratorOptions = { provider: migrationProvider, allowUnorderedMigrations: true }

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, ...migratorOptions })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((result) => result.status === 'Error')
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : ''
    throw new Error(`Migration failed${name}: ${error instanceof Error ? error.message : String(error)}`)
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName)
}

/** The migrations this version knows that the database has not run yet (its readiness waits for none). */
export async function listPendingMigrations(db: Kysely<any>): Promise<string[]> {
  const known = await new Migrator({ db, ...migratorOptions }).getMigrations()
  return known.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name)
}
