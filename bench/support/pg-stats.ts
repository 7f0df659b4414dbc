// What PostgreSQL did during a benchmark run, read from its statistics views and from /proc (the bench runs on the
// database's machine): the transactions committed and WAL flushed per cycle, the CPU its backends used, and what the
// backends serving the bench were waiting on, sampled every few milliseconds from pg_stat_activity.
import { readFileSync } from 'node:fs'
import pg from 'pg'

interface Counts {
  commits: number
  rollbacks: number
  walRecords: number
  walBytes: number
  walWrites: number
  walSyncs: number
  walSyncMs: number
}

/** utime + stime of a process, in ms; 0 once it is gone. */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // Fields 14 and 15 of stat (utime, stime), counted from the state (field 3) here; ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return 0
  }
}

export interface PgRunStats {
  commits: number
  rollbacks: number
  walRecords: number
  walBytes: number
  walSyncs: number
  walSyncMs: number
  /** CPU of the backends serving this database, ms. */
  backendCpuMs: number
  /** CPU of the shared background processes (WAL writer, checkpointer, background writer): the whole cluster's. */
  backgroundCpuMs: number
  backends: number
  /** Samples of the bench database's backends: what each was doing (state/wait event) → count. */
  waits: Map<string, number>
  samples: number
}

export async function startPgStats(url: string, database: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const counts = async (): Promise<Counts> => {
    const { rows } = await client.query(
      `select d.xact_commit, d.xact_rollback, w.wal_records, w.wal_bytes, w.wal_write, w.wal_sync, w.wal_sync_time from pg_stat_database d, pg_stat_wal w where d.datname = $1`,
      [database],
    )
    // Statistics are cached per transaction; every call here is its own transaction.
    const [row] = rows
    return {
      commits: Number(row.xact_commit),
      rollbacks: Number(row.xact_rollback),
      walRecords: Number(row.wal_records),
      walBytes: Number(row.wal_bytes),
      walWrites: Number(row.wal_write),
      walSyncs: Number(row.wal_sync),
      walSyncMs: Number(row.wal_sync_time),
    }
  }
  const processes = async () => {
    const { rows } = await client.query(
      `select pid, backend_type, datname from pg_stat_activity where pid <> pg_backend_pid() and (datname = $1 or backend_type in ('walwriter', 'checkpointer', 'background writer'))`,
      [database],
    )
    return rows as { pid: number; backend_type: string; datname: string | null }[]
  }
  let before = await counts()
  let cpuBefore = new Map<number, number>()
  const waits = new Map<string, number>()
  let samples = 0
  let sampling = false
  let timer: NodeJS.Timeout | undefined
  const sample = async () => {
    if (!sampling) return
    const { rows } = await client.query(
      `select state, coalesce(wait_event_type || ':' || wait_event, 'CPU') as wait from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend'`,
      [database],
    )
    samples++
    for (const row of rows as { state: string; wait: string }[]) {
      const key =
        row.state === 'active'
          ? `active ${row.wait}`
          : `${row.state}${row.wait === 'Client:ClientRead' ? '' : ` ${row.wait}`}`
      waits.set(key, (waits.get(key) ?? 0) + 1)
    }
    if (sampling) timer = setTimeout(() => void sample().catch(() => {}), 20)
  }
  return {
    /** The measured part begins: counters and CPU are read now, sampling starts. */
    async begin() {
      before = await counts()
      cpuBefore = new Map((await processes()).map((process) => [process.pid, cpuMsOf(process.pid)]))
      waits.clear()
      samples = 0
      sampling = true
      void sample().catch(() => {})
    },
    async end(): Promise<PgRunStats> {
      sampling = false
      if (timer) clearTimeout(timer)
      const after = await counts()
      let backendCpuMs = 0
      let backgroundCpuMs = 0
      const now = await processes()
      for (const process of now) {
        const used = cpuMsOf(process.pid) - (cpuBefore.get(process.pid) ?? 0)
        if (process.datname === database) backendCpuMs += used
        else backgroundCpuMs += used
      }
      return {
        commits: after.commits - before.commits,
        rollbacks: after.rollbacks - before.rollbacks,
        walRecords: after.walRecords - before.walRecords,
        walBytes: after.walBytes - before.walBytes,
        walSyncs: after.walSyncs - before.walSyncs,
        walSyncMs: after.walSyncMs - before.walSyncMs,
        backendCpuMs,
        backgroundCpuMs,
        backends: now.filter((process) => process.datname === database).length,
        waits: new Map(waits),
        samples,
      }
    },
    close: () => client.end(),
  }
}
