import { loadConfig } from '../server/config.js'
import { createDb, type Db } from '../server/db/database.js'
import { migrateToLatest } from '../server/db/migrate.js'

/** The configured database (DATABASE_URL), its schema brought up to date: every command starts here. */
export async function openDatabase(databaseUrl = loadConfig().databaseUrl): Promise<Db> {
  const db = createDb(databaseUrl)
  try {
    await migrateToLatest(db)
    return db
  } catch (error) {
    await db.destroy()
    throw error
  }
}

/** Runs a command's work on the configured database and closes it afterwards, whatever happens. */
export async function withDatabase<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase()
  try {
    return await work(db)
  } finally {
    await db.destroy()
  }
}
