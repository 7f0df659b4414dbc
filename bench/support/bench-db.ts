import { mkdirSync, rmSync } from 'node:fs'
import pg from 'pg'
import { createDb, type Db } from '../../src/server/db/database.js'
import { migrateToLatest } from '../../src/server/db/migrate.js'

export type BenchEngine = 'sqlite' | 'postgres'

export function benchEngines(): BenchEngine[] {
  const wanted = process.argv.find((arg) => arg.startsWith('--engine='))?.split('=')[1]
  return wanted ? [wanted as BenchEngine] : ['sqlite', 'postgres']
}

/** A fresh database for one benchmark run: a file under .bench/ or a new PostgreSQL database. */
export async function freshBenchDatabase(name: string, engine: BenchEngine): Promise<{ url: string; db: Db }> {
  if (engine === 'sqlite') {
    mkdirSync('.bench', { recursive: true })
    const path = `.bench/${name}.sqlite`
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true })
    const url = `sqlite:${path}`
    const db = createDb(url)
    await migrateToLatest(db)
    return { url, db }
  }
  const admin = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  const database = `allervers_bench_${name}`
  await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  await client.query(`CREATE DATABASE ${database}`)
  // The bench reports the time its backends spent in WAL fsyncs (pg_stat_wal.wal_sync_time): timed for this database
  // only, the server's setting is left alone.
  await client.query(`ALTER DATABASE ${database} SET track_wal_io_timing = on`)
  // An experiment only (BENCH_SYNCHRONOUS_COMMIT=off): what commits cost. The application never turns it off.
  if (process.env.BENCH_SYNCHRONOUS_COMMIT === 'off') {
    await client.query(`ALTER DATABASE ${database} SET synchronous_commit = off`)
  }
  await client.end()
  const url = new URL(admin)
  url.pathname = `/${database}`
  const db = createDb(url.toString(), { poolSize: 10 })
  await migrateToLatest(db)
  return { url: url.toString(), db }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

export function formatMs(value: number) {
  return `${value.toFixed(1)} ms`
}
