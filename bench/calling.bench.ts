// npm run bench:calling — simulated callers over HTTP, each looping claim → outcome, at 50 and 200 concurrent callers.
// SQLite with one app instance; PostgreSQL with two app instances on one database. Checks that no target was claimed
// twice and none was lost. Prints figures; asserts nothing about time.
import { type ChildProcess, fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import type { CampaignTargetTable, HouseholdTable, PhoneTable } from '../src/server/db/schema.js'
import { makeCampaign, makeOrganization, makeUser } from '../test/factories.js'
import { type BenchEngine, benchEngines, formatMs, freshBenchDatabase, percentile } from './support/bench-db.js'

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000
const CONCURRENCY = (process.env.BENCH_CALLERS ?? '50,200').split(',').map(Number)

async function startInstance(url: string, port: number): Promise<{ child: ChildProcess; base: string }> {
  const child = fork('bench/support/server.ts', [], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=.bench/profile'] : []),
    ],
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  return { child, base: `http://127.0.0.1:${port}` }
}

async function login(base: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`)
  return response.headers.getSetCookie()[0].split(';')[0]
}

async function runScenario(engine: BenchEngine, callers: number) {
  const instances = engine === 'postgres' ? 2 : 1
  const { url, db } = await freshBenchDatabase(`calling_${callers}`, engine)
  const organization = await makeOrganization(db)
  const campaign = await makeCampaign(db, {
    organizationId: organization.id,
    frequencyCap: { maxAttempts: 100, days: 7 },
  })
  const targetCount = 40_000
  process.stdout.write(`  seeding ${targetCount} targets… `)
  const seedStart = Date.now()
  // Insert households and targets in bulk through the factories' shape, batched for speed.
  await seedTargets(db, campaign, targetCount)
  console.log(`${((Date.now() - seedStart) / 1000).toFixed(1)} s`)
  const users = []
  for (let index = 0; index < callers; index++)
    users.push(await makeUser(db, 'caller', { organizationId: organization.id }))
  await db.destroy()

  const servers = await Promise.all(Array.from({ length: instances }, (_, index) => startInstance(url, 4100 + index)))
  try {
    const cookies = await Promise.all(
      users.map((user, index) => login(servers[index % instances].base, user.email, user.password)),
    )
    const claimed = new Map<string, number>()
    const claimLatencies: number[] = []
    const outcomeLatencies: number[] = []
    const cycleLatencies: number[] = []
    let saved = 0
    let errors = 0
    let empty = 0
    const deadline = Date.now() + DURATION_MS
    const startedAt = Date.now()
    await Promise.all(
      cookies.map(async (cookie, index) => {
        const base = servers[index % instances].base
        while (Date.now() < deadline) {
          const cycleStart = performance.now()
          const claim = await fetch(`${base}/api/campaigns/${campaign.id}/claim`, {
            method: 'POST',
            headers: { cookie },
          })
          const claimEnd = performance.now()
          claimLatencies.push(claimEnd - cycleStart)
          if (claim.status === 204) {
            empty++
            break
          }
          if (claim.status !== 200) {
            errors++
            await claim.text()
            continue
          }
          const { assignment } = (await claim.json()) as { assignment: { id: string } }
          claimed.set(assignment.id, (claimed.get(assignment.id) ?? 0) + 1)
          const outcome = await fetch(`${base}/api/assignments/${assignment.id}/outcome`, {
            method: 'POST',
            headers: { cookie, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
            body: JSON.stringify({ disposition: 'no_answer', durationSeconds: 30 }),
          })
          const end = performance.now()
          outcomeLatencies.push(end - claimEnd)
          cycleLatencies.push(end - cycleStart)
          if (outcome.status === 201) saved++
          else errors++
          await outcome.text()
        }
      }),
    )
    const seconds = (Date.now() - startedAt) / 1000
    const doubles = [...claimed.values()].filter((count) => count > 1).length
    const { db: check } = { db: (await import('../src/server/db/database.js')).createDb(url) }
    const calls = Number(
      (
        await check
          .selectFrom('call')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n ?? 0,
    )
    const attempted = Number(
      (
        await check
          .selectFrom('campaignTarget')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('attempts', '=', 1)
          .where('status', 'in', ['pending', 'scheduled'])
          .executeTakeFirst()
      )?.n ?? 0,
    )
    const stillHeld = Number(
      (
        await check
          .selectFrom('campaignTarget')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('status', '=', 'held')
          .executeTakeFirst()
      )?.n ?? 0,
    )
    await check.destroy()
    for (const list of [claimLatencies, outcomeLatencies, cycleLatencies]) list.sort((a, b) => a - b)
    console.log(
      `  ${engine}, ${instances} instance(s), ${callers} callers: ${saved} cycles in ${seconds.toFixed(1)} s = ${(saved / seconds).toFixed(0)} cycles/s`,
    )
    console.log(
      `    claim p50 ${formatMs(percentile(claimLatencies, 50))}, p99 ${formatMs(percentile(claimLatencies, 99))}; outcome p50 ${formatMs(percentile(outcomeLatencies, 50))}, p99 ${formatMs(percentile(outcomeLatencies, 99))}; cycle p99 ${formatMs(percentile(cycleLatencies, 99))}`,
    )
    console.log(
      `    checks: claimed twice ${doubles}, lost ${saved - calls} (calls in database ${calls}, outcomes acknowledged ${saved}), targets attempted once ${attempted}, still held ${stillHeld}, errors ${errors}, queue empty ${empty}`,
    )
    if (doubles > 0 || calls !== saved || attempted !== saved) {
      console.log('    CHECK FAILED')
      process.exitCode = 1
    }
  } finally {
    for (const server of servers) server.child.kill('SIGTERM')
  }
}

async function seedTargets(
  db: Awaited<ReturnType<typeof freshBenchDatabase>>['db'],
  campaign: { id: string; organizationId: string },
  count: number,
) {
  const { randomUUID: uuid } = await import('node:crypto')
  const now = new Date().toISOString()
  for (let start = 0; start < count; start += 500) {
    const households: HouseholdTable[] = []
    const phones: PhoneTable[] = []
    const targets: CampaignTargetTable[] = []
    for (let index = start; index < Math.min(count, start + 500); index++) {
      const id = uuid()
      households.push({
        id,
        organizationId: campaign.organizationId,
        agencyId: null,
        externalRef: `B-${index}`,
        lastName: 'Banc',
        firstName: 'Essai',
        birthDate: '1940-01-01',
        oldestBirthDate: '1940-01-01',
        email: null,
        addressLine1: '1 rue du Banc',
        addressLine2: null,
        postcode: '54000',
        city: 'Nancy',
        inseeCode: '54395',
        floor: 1,
        hasLift: 0,
        occupants: 1,
        livesAlone: 1,
        leaseStart: null,
        arrearsCents: 0,
        housingBenefit: 0,
        supportProgramme: 0,
        worksProgramme: null,
        status: 'active',
        leftAt: null,
        objectionAt: null,
        objectionChannel: null,
        objectionRecordedBy: null,
        objectionNote: null,
        fragilityLevel: null,
        lastContactedAt: null,
        lastImportId: null,
        importSignature: null,
        createdAt: now,
        updatedAt: now,
      })
      phones.push({
        id: uuid(),
        householdId: id,
        organizationId: campaign.organizationId,
        memberId: null,
        position: 0,
        raw: '0612345678',
        e164: '+33612345678',
        kind: 'mobile',
        isValid: 1,
      })
      targets.push({
        id: uuid(),
        campaignId: campaign.id,
        organizationId: campaign.organizationId,
        householdId: id,
        status: 'pending',
        priority: index % 100,
        priorityReasons: null,
        attempts: 0,
        nextAttemptAt: '2000-01-01T00:00:00.000Z',
        heldBy: null,
        leaseUntil: null,
        lastDisposition: null,
        lastCalledAt: null,
        phonePosition: 0,
        preferredCallerId: null,
        followUpIntervalDays: null,
        followUpUntil: null,
        addedAt: now,
        removedAt: null,
        updatedAt: now,
      })
    }
    await db.insertInto('household').values(households).execute()
    await db.insertInto('phone').values(phones).execute()
    await db.insertInto('campaignTarget').values(targets).execute()
  }
}

console.log(
  `Calling benchmark: ${DURATION_MS / 1000} s per scenario (BENCH_SECONDS), callers ${CONCURRENCY.join(', ')} (BENCH_CALLERS)`,
)
for (const engine of benchEngines()) {
  for (const callers of CONCURRENCY) await runScenario(engine, callers)
}
