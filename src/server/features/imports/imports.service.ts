import { hash } from 'node:crypto'
import { deriveHouseholdFacts, householdSearchName } from '../../../shared/households.js'
import type { Mapping } from '../../../shared/import-fields.js'
import type { Db } from '../../db/database.js'
import { inTransaction } from '../../db/database.js'
import { sortableId } from '../../db/ids.js'
import type { HouseholdTable, MemberTable, PhoneTable } from '../../db/schema.js'
import { nowTimestamp, toFlag } from '../../db/time.js'
import { createAgency, listAgencies } from '../organizations/organizations.queries.js'
import * as imports from './imports.queries.js'
import type { OpenedTable } from './imports.reader.js'
import { ReferenceCounts } from './imports.refs.js'
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
  /** Rows per transaction (tests make it tiny to put chunk boundaries everywhere). */
  chunkRows?: number
}

/**
 * Rows per transaction. Large, because each commit writes to the WAL every page the chunk dirtied, and the indexes in
 * no particular order (names, phones, targeting) get a few new entries in nearly every one of their pages per chunk:
 * 2,000 rows per chunk wrote those pages 230 times over a 200,000-household file. A 10,000-row chunk holds the
 * connection about half a second.
 */
const CHUNK = 10_000
const MAX_WARNINGS = 10_000

class DryRunRollback extends Error {}

/**
 * A copy of a string that shares nothing with the text it was cut from. A cell is a slice of the megabyte of the file
 * decoded with it, and V8 keeps that whole megabyte alive as long as the slice lives: 10,000 kept warnings spread over
 * a 200,000-row file held some 50 such blocks (100 MB) until the end of the import.
 */
function detached(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, 'utf8').toString('utf8')
}

interface Draft {
  externalRef: string
  rows: InterpretedRow[]
}

function buildHousehold(draft: Draft) {
  const leaseholderRow = draft.rows.find((row) => row.isLeaseholder === true) ?? draft.rows[0]
  const ordered =
    leaseholderRow === draft.rows[0]
      ? draft.rows
      : [leaseholderRow, ...draft.rows.filter((row) => row !== leaseholderRow)]
  // The first value given, the leaseholder's row first (a loop: this runs 16 times for each of 200,000 households).
  const pick = <K extends keyof InterpretedRow['household']>(key: K): InterpretedRow['household'][K] => {
    for (const row of ordered) {
      const value = row.household[key]
      if (value !== null && value !== undefined) return value
    }
    return null
  }
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
  // One-shot hash: the same digest as createHash().update().digest(), without a Hash object per household.
  // The leaseholder's own civility (never an occupant's), signed only when given: files without one keep their signature.
  const civility = leaseholderRow.household.civility
  const signed = civility ? { ...fields, civility } : fields
  const signature = hash('sha1', JSON.stringify([signed, agency, members, phones.map((phone) => phone.raw)]), 'base64')
  // Derived from the names, outside the signature: adding it changed no household's signature.
  const searchName = householdSearchName(fields.lastName, fields.firstName)
  return { fields: { ...fields, civility, searchName }, agency, members, phones, objection, signature }
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
    (await listAgencies(db, options.organizationId)).flatMap((a) => [
      [a.code.toUpperCase(), a.id],
      [a.name.toUpperCase(), a.id],
    ]),
  )
  // Each reference met in an earlier chunk of this run, with the number of chunks that held its rows so far.
  const seenThisRun = new ReferenceCounts()
  const chunkRows = options.chunkRows ?? CHUNK
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
      const continued: string[] = []
      const changes: Array<{ id: string; fields: Partial<HouseholdTable> }> = []
      for (const draft of drafts.values()) {
        // Occupants of a household spread over two chunks: the second part adds to what the first wrote.
        const earlierParts = seenThisRun.get(draft.externalRef)
        const isContinuation = earlierParts > 0
        // Occupants met in the k-th later chunk take positions from 100·k: apart from the first part and each other.
        const offset = 100 * earlierParts
        const built = buildHousehold(draft)
        let agencyId: string | null = null
        if (built.agency) {
          agencyId = agencies.get(built.agency.toUpperCase()) ?? null
          if (!agencyId) {
            const created = await createAgency(tx, {
              organizationId: options.organizationId,
              code: built.agency.toUpperCase().slice(0, 40),
              name: built.agency,
            })
            agencyId = created.id
            agencies.set(built.agency.toUpperCase(), agencyId)
          }
        }
        const current = existing.get(draft.externalRef)
        const id = current?.id ?? sortableId()
        const memberRows = built.members.map(
          (member, position): MemberTable => ({
            id: sortableId(),
            householdId: id,
            organizationId: options.organizationId,
            position: offset + position,
            isLeaseholder: position === 0 && !isContinuation ? 1 : 0,
            lastName: member.lastName,
            firstName: member.firstName,
            birthDate: member.birthDate,
            role: member.role,
          }),
        )
        const phoneRows = built.phones.map(
          (phone, position): PhoneTable => ({
            id: sortableId(),
            householdId: id,
            organizationId: options.organizationId,
            memberId: null,
            position: offset + position,
            raw: phone.raw,
            e164: phone.e164,
            kind: phone.kind,
            isValid: toFlag(phone.isValid),
          }),
        )
        seenThisRun.set(draft.externalRef, earlierParts + 1)
        if (isContinuation && current) {
          // The first later part replaces what earlier runs wrote from later parts: a re-run converges, never doubles.
          if (earlierParts === 1) continued.push(id)
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
      // Multi-row statements of a few fixed shapes (bulkInsert), updates by a statement prepared once.
      await imports.insertHouseholds(tx, inserts)
      for (const change of changes) await imports.updateHousehold(tx, change.id, change.fields)
      await imports.replaceMembersAndPhones(tx, replaced)
      await imports.removeLaterParts(tx, continued)
      await imports.insertMembers(tx, members)
      await imports.insertPhones(tx, phones)
      await imports.markSeen(tx, seen, options.importId)
      // A trace of each change: which import changed the household, never the values.
      await imports.insertAuditEvents(
        tx,
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
      if (options.dryRun) throw new DryRunRollback()
    }).catch((error) => {
      if (!(error instanceof DryRunRollback)) throw error
    })
    report.households.created += counts.created
    report.households.updated += counts.updated
    report.households.unchanged += counts.unchanged
    options.onProgress?.(report.rows, options.table.rowCount)
  }

  await imports.withImportSettings(db, async () => {
    for await (const row of options.table.rows()) {
      report.rows++
      const interpreted = interpretRow(row.cells, options.mapping, options.table.headers, row.line)
      if (interpreted.kind === 'rejected') {
        report.rejected.push({ line: interpreted.line, reason: detached(interpreted.reason) })
        options.onRejected?.(interpreted.line, interpreted.cells, interpreted.reason)
        continue
      }
      for (const warning of interpreted.warnings) {
        report.warningsTotal++
        if (report.warnings.length < MAX_WARNINGS)
          report.warnings.push({
            line: warning.line,
            column: warning.column,
            value: detached(warning.value),
            message: detached(warning.message),
          })
      }
      // A chunk ends between two references, so that a household's adjacent rows are written together (a file with
      // one reference on every row still gets cut, at twice the size).
      const last = chunk.at(-1)
      if (chunk.length >= 2 * chunkRows || (chunk.length >= chunkRows && last?.externalRef !== interpreted.externalRef))
        await flush()
      chunk.push(interpreted)
    }
    await flush()
  })
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
