import { createHash, randomUUID } from 'node:crypto'
import { deriveHouseholdFacts } from '../../../shared/households.js'
import type { Db } from '../../db/database.js'
import { inTransaction } from '../../db/database.js'
import type { HouseholdTable, MemberTable, PhoneTable } from '../../db/schema.js'
import { nowTimestamp, toFlag } from '../../db/time.js'
import type { Mapping } from './imports.columns.js'
import * as imports from './imports.queries.js'
import type { OpenedTable } from './imports.reader.js'
import { type InterpretedRow, interpretRow, type RowWarning } from './imports.rows.js'

export interface ImportReport {
  rows: number
  households: { created: number; updated: number; unchanged: number; left: number }
  rejected: { line: number; reason: string }[]
  warnings: RowWarning[]
  /** Warnings beyond the first 10,000 are counted, not listed. */
  warningsTotal: number
}

export interface ImportOptions {
  importId: string
  organizationId: string
  actorUserId: string | null
  table: OpenedTable
  mapping: Mapping
  snapshot: boolean
  dryRun: boolean
  onProgress?: (done: number, total: number) => void
  /** Where rejected rows go, whole, for the "download the rejected rows" file. */
  onRejected?: (line: number, cells: string[], reason: string) => void
}

const CHUNK = 2000
const MAX_WARNINGS = 10_000

class DryRunRollback extends Error {}

interface Draft {
  externalRef: string
  rows: InterpretedRow[]
}

function buildHousehold(draft: Draft) {
  const leaseholderRow = draft.rows.find((row) => row.isLeaseholder === true) ?? draft.rows[0]
  const ordered = [leaseholderRow, ...draft.rows.filter((row) => row !== leaseholderRow)]
  const pick = <K extends keyof InterpretedRow['household']>(key: K): InterpretedRow['household'][K] =>
    ordered.map((row) => row.household[key]).find((value) => value !== null && value !== undefined) ?? null
  const members = ordered.map((row) => row.member)
  const facts = deriveHouseholdFacts(members)
  const occupants = pick('occupants') ?? facts.occupants
  const phones = ordered.flatMap((row) => row.phones)
  const fields = {
    lastName: leaseholderRow.member.lastName,
    firstName: leaseholderRow.member.firstName,
    birthDate: leaseholderRow.member.birthDate,
    oldestBirthDate: facts.oldestBirthDate,
    email: pick('email'),
    addressLine1: pick('addressLine1'),
    addressLine2: pick('addressLine2'),
    postcode: pick('postcode'),
    city: pick('city'),
    inseeCode: pick('inseeCode'),
    floor: pick('floor'),
    hasLift: toFlag(pick('hasLift')),
    occupants,
    livesAlone: toFlag(occupants === 1),
    leaseStart: pick('leaseStart'),
    arrearsCents: pick('arrearsCents'),
    housingBenefit: toFlag(pick('housingBenefit')),
    supportProgramme: toFlag(pick('supportProgramme')),
    worksProgramme: pick('worksProgramme'),
  }
  const agency = pick('agency')
  const objection = ordered.some((row) => row.household.objection === true)
  const signature = createHash('sha1')
    .update(JSON.stringify([fields, agency, members, phones.map((phone) => phone.raw)]))
    .digest('base64')
  return { fields, agency, members, phones, objection, signature }
}

/**
 * Imports a landlord's export into one organisation. Every row ends up imported or listed as rejected. Rows sharing a
 * reference are the occupants of one household. Each chunk of rows is one transaction, and each household is written
 * from the file's data alone, so a run that stopped half-way can be re-run and converges to the same result. An
 * objection is set by a file but never cleared by one.
 */
export async function runImport(db: Db, options: ImportOptions): Promise<ImportReport> {
  const report: ImportReport = {
    rows: 0,
    households: { created: 0, updated: 0, unchanged: 0, left: 0 },
    rejected: [],
    warnings: [],
    warningsTotal: 0,
  }
  const agencies = new Map(
    (await imports.listAgencies(db, options.organizationId)).flatMap((a) => [
      [a.code.toUpperCase(), a.id],
      [a.name.toUpperCase(), a.id],
    ]),
  )
  const seenThisRun = new Set<string>()
  let chunk: InterpretedRow[] = []

  const flush = async () => {
    if (chunk.length === 0) return
    const rows = chunk
    chunk = []
    const drafts = new Map<string, Draft>()
    for (const row of rows) {
      const draft = drafts.get(row.externalRef) ?? { externalRef: row.externalRef, rows: [] }
      draft.rows.push(row)
      drafts.set(row.externalRef, draft)
    }
    const counts = { created: 0, updated: 0, unchanged: 0 }
    await inTransaction(db, async (tx) => {
      const now = nowTimestamp()
      const existing = new Map(
        (await imports.findHouseholdsByRefs(tx, options.organizationId, [...drafts.keys()])).map((h) => [
          h.externalRef,
          h,
        ]),
      )
      const seen: string[] = []
      const inserts: HouseholdTable[] = []
      const members: MemberTable[] = []
      const phones: PhoneTable[] = []
      const replaced: string[] = []
      const changes: Array<{ id: string; fields: Partial<HouseholdTable> }> = []
      for (const draft of drafts.values()) {
        // Occupants of a household spread over two chunks: the second part adds to what the first wrote.
        const isContinuation = seenThisRun.has(draft.externalRef)
        const built = buildHousehold(draft)
        let agencyId: string | null = null
        if (built.agency) {
          agencyId = agencies.get(built.agency.toUpperCase()) ?? null
          if (!agencyId) {
            const created = await imports.insertAgency(
              tx,
              {
                organizationId: options.organizationId,
                code: built.agency.toUpperCase().slice(0, 40),
                name: built.agency,
              },
              now,
            )
            agencyId = created.id
            agencies.set(built.agency.toUpperCase(), agencyId)
          }
        }
        const current = existing.get(draft.externalRef)
        const id = current?.id ?? randomUUID()
        const memberRows = built.members.map(
          (member, position): MemberTable => ({
            id: randomUUID(),
            householdId: id,
            organizationId: options.organizationId,
            position: isContinuation ? 100 + position : position,
            isLeaseholder: position === 0 && !isContinuation ? 1 : 0,
            lastName: member.lastName,
            firstName: member.firstName,
            birthDate: member.birthDate,
            role: member.role,
          }),
        )
        const phoneRows = built.phones.map(
          (phone, position): PhoneTable => ({
            id: randomUUID(),
            householdId: id,
            organizationId: options.organizationId,
            memberId: null,
            position: isContinuation ? 100 + position : position,
            raw: phone.raw,
            e164: phone.e164,
            kind: phone.kind,
            isValid: toFlag(phone.isValid),
          }),
        )
        seenThisRun.add(draft.externalRef)
        if (isContinuation && current) {
          members.push(...memberRows)
          phones.push(...phoneRows)
          continue
        }
        const objection =
          built.objection && !current?.objectionAt
            ? { objectionAt: now, objectionChannel: 'import', objectionRecordedBy: options.actorUserId }
            : {}
        if (!current) {
          counts.created++
          inserts.push({
            id,
            organizationId: options.organizationId,
            agencyId,
            externalRef: draft.externalRef,
            ...built.fields,
            status: 'active',
            leftAt: null,
            objectionAt: null,
            objectionChannel: null,
            objectionRecordedBy: null,
            objectionNote: null,
            fragilityLevel: null,
            lastContactedAt: null,
            lastImportId: options.importId,
            importSignature: built.signature,
            createdAt: now,
            updatedAt: now,
            ...objection,
          })
          members.push(...memberRows)
          phones.push(...phoneRows)
        } else if (
          current.importSignature === built.signature &&
          current.status === 'active' &&
          !('objectionAt' in objection)
        ) {
          counts.unchanged++
          seen.push(id)
        } else {
          counts.updated++
          changes.push({
            id,
            fields: {
              ...built.fields,
              agencyId,
              status: 'active',
              leftAt: null,
              importSignature: built.signature,
              lastImportId: options.importId,
              updatedAt: now,
              ...objection,
            },
          })
          replaced.push(id)
          members.push(...memberRows)
          phones.push(...phoneRows)
        }
      }
      // 36 columns × 400 rows stays under SQLite's 32,766 bound values per statement.
      for (let start = 0; start < inserts.length; start += 400)
        await tx
          .insertInto('household')
          .values(inserts.slice(start, start + 400))
          .execute()
      for (const change of changes)
        await tx.updateTable('household').set(change.fields).where('id', '=', change.id).execute()
      await imports.replaceMembersAndPhones(tx, replaced)
      for (let start = 0; start < members.length; start += 2000)
        await tx
          .insertInto('member')
          .values(members.slice(start, start + 2000))
          .execute()
      for (let start = 0; start < phones.length; start += 2000)
        await tx
          .insertInto('phone')
          .values(phones.slice(start, start + 2000))
          .execute()
      await imports.markSeen(tx, seen, options.importId)
      if (changes.length) {
        // A trace of each change: which fields the file changed, never their values.
        await tx
          .insertInto('auditEvent')
          .values(
            changes.map((change) => ({
              at: now,
              actorUserId: options.actorUserId,
              actorEmail: null,
              organizationId: options.organizationId,
              action: 'household.import_update',
              entityType: 'household',
              entityId: change.id,
              ip: null,
              details: JSON.stringify({ importId: options.importId }),
            })),
          )
          .execute()
      }
      if (options.dryRun) throw new DryRunRollback()
    }).catch((error) => {
      if (!(error instanceof DryRunRollback)) throw error
    })
    report.households.created += counts.created
    report.households.updated += counts.updated
    report.households.unchanged += counts.unchanged
    options.onProgress?.(report.rows, options.table.rowCount)
  }

  for await (const row of options.table.rows()) {
    report.rows++
    const interpreted = interpretRow(row.cells, options.mapping, options.table.headers, row.line)
    if (interpreted.kind === 'rejected') {
      report.rejected.push({ line: interpreted.line, reason: interpreted.reason })
      options.onRejected?.(interpreted.line, interpreted.cells, interpreted.reason)
      continue
    }
    for (const warning of interpreted.warnings) {
      report.warningsTotal++
      if (report.warnings.length < MAX_WARNINGS) report.warnings.push(warning)
    }
    chunk.push(interpreted)
    if (chunk.length >= CHUNK) await flush()
  }
  await flush()
  if (options.snapshot && !options.dryRun) {
    report.households.left = await imports.markAbsentAsLeft(
      db,
      options.organizationId,
      options.importId,
      nowTimestamp(),
    )
  }
  return report
}
