import { hash } from 'node:crypto'
import {
  parseRectifiedFields,
  type RectifiableField,
  rectifiedFieldsText,
} from '../../../shared/contracts/data-protection.js'
import { deriveHouseholdFacts, householdSearchName } from '../../../shared/households.js'
import { type Mapping, RECTIFIED_KEPT } from '../../../shared/import-fields.js'
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
  return {
    fields: { ...fields, civility, searchName },
    agency,
    members,
    phones,
    objection,
    signature,
    leaseholderRow,
    ordered,
  }
}

type Built = ReturnType<typeof buildHousehold>
type RectifiedValues = Awaited<ReturnType<typeof imports.findRectifiedValues>>[number]

/** Fields the import writes from the leaseholder's own row, the others from the first row that gives them. */
const LEASEHOLDER_FIELDS: ReadonlySet<RectifiableField> = new Set(['civility', 'lastName', 'firstName', 'birthDate'])

/**
 * A household whose fields were rectified at the tenant's request (GDPR art. 16), written again from the file: each
 * such field the file gives another value keeps its rectified one, with the columns derived from it and the
 * leaseholder's occupant row, and a warning naming the line and the column; a field the file now gives as rectified
 * (the landlord corrected its source) is no longer marked. A field the file has no column for keeps its value and mark.
 */
function keepRectified(
  built: Built,
  marks: RectifiableField[],
  values: RectifiedValues,
  columnOf: (field: RectifiableField) => string | null,
) {
  const kept: RectifiableField[] = []
  const cleared: RectifiableField[] = []
  const warnings: RowWarning[] = []
  const overrides: Record<string, string | null> = {}
  for (const field of marks) {
    const column = columnOf(field)
    const current = values[field] ?? null
    if (column === null) {
      // The file says nothing of it: the rectified value stays, marked, with nothing to warn about.
      kept.push(field)
      overrides[field] = current
      continue
    }
    const fromFile = built.fields[field] ?? null
    const same =
      field === 'email' ? (fromFile?.toLowerCase() ?? null) === (current?.toLowerCase() ?? null) : fromFile === current
    if (same) {
      cleared.push(field)
      continue
    }
    kept.push(field)
    overrides[field] = current
    const row = LEASEHOLDER_FIELDS.has(field)
      ? built.leaseholderRow
      : (built.ordered.find((candidate) => candidate.household[field as 'email'] !== null) ?? built.leaseholderRow)
    const cell = field === 'birthDate' && fromFile ? fromFile.split('-').reverse().join('/') : (fromFile ?? '')
    // The file's cell, as other warnings show theirs; the rectified value is not repeated.
    warnings.push({ line: row.line, column, value: detached(cell), message: RECTIFIED_KEPT })
  }
  const isKept = (field: RectifiableField) => kept.includes(field)
  const derived: Record<string, string | null> = {}
  if (isKept('lastName') || isKept('firstName')) {
    derived.searchName = householdSearchName(
      isKept('lastName') ? (values.lastName ?? '') : built.fields.lastName,
      isKept('firstName') ? values.firstName : built.fields.firstName,
    )
  }
  if (isKept('birthDate')) {
    derived.oldestBirthDate = deriveHouseholdFacts([
      { birthDate: values.birthDate },
      ...built.members.slice(1),
    ]).oldestBirthDate
  }
  // The commune's code goes with the postcode and town it was found from.
  if (isKept('postcode') || isKept('city')) derived.inseeCode = values.inseeCode
  const remaining = marks.filter((field) => !cleared.includes(field))
  return {
    fields: { ...overrides, ...derived } as Partial<HouseholdTable>,
    member: Object.fromEntries(
      (['lastName', 'firstName', 'birthDate'] as const).filter(isKept).map((field) => [field, values[field]]),
    ) as Partial<Pick<MemberTable, 'lastName' | 'firstName' | 'birthDate'>>,
    rectifiedFields: rectifiedFieldsText(remaining),
    kept,
    cleared,
    warnings,
  }
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
  // The file's column for a rectifiable field, as its header reads (a town found from the postcode alone: the
  // postcode's), or null when the file has none.
  const headerOf = (field: string) => {
    const index = options.mapping.indexOf(field as (typeof options.mapping)[number])
    return index >= 0 ? (options.table.headers[index] ?? '') : null
  }
  const columnOf = (field: RectifiableField) => headerOf(field) ?? (field === 'city' ? headerOf('postcode') : null)

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
    let rectifiedWarnings: RowWarning[] = []
    await inTransaction(db, async (tx) => {
      rectifiedWarnings = []
      const now = nowTimestamp()
      const existing = new Map(
        (await imports.findHouseholdsByRefs(tx, options.organizationId, [...drafts.keys()])).map((h) => [
          h.externalRef,
          h,
        ]),
      )
      const rectified = new Map(
        (
          await imports.findRectifiedValues(
            tx,
            [...existing.values()].filter((h) => parseRectifiedFields(h.rectifiedFields).length > 0).map((h) => h.id),
          )
        ).map((values) => [values.id, values]),
      )
      const seen: string[] = []
      const inserts: HouseholdTable[] = []
      const members: MemberTable[] = []
      const phones: PhoneTable[] = []
      const replaced: string[] = []
      const continued: string[] = []
      const changes: Array<{
        id: string
        fields: Partial<HouseholdTable>
        rectification?: { kept: RectifiableField[]; cleared: RectifiableField[] }
      }> = []
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
          const values = rectified.get(id)
          const keep = values
            ? keepRectified(built, parseRectifiedFields(current.rectifiedFields), values, columnOf)
            : undefined
          if (keep) {
            rectifiedWarnings.push(...keep.warnings)
            // The leaseholder's occupant row holds the same names and birth date (position 0 of a first part).
            if (memberRows[0]) Object.assign(memberRows[0], keep.member)
          }
          changes.push({
            id,
            fields: {
              ...built.fields,
              ...keep?.fields,
              ...(keep ? { rectifiedFields: keep.rectifiedFields } : {}),
              agencyId,
              status: 'active',
              leftAt: null,
              // The file's signature, even where rectified values were kept: the same file again leaves it unchanged.
              importSignature: built.signature,
              lastImportId: options.importId,
              updatedAt: now,
              ...objection,
            },
            ...(keep && (keep.kept.length || keep.cleared.length)
              ? { rectification: { kept: keep.kept, cleared: keep.cleared } }
              : {}),
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
          // Field names only: the rectified values the file did not overwrite, and the marks it cleared.
          details: JSON.stringify({
            importId: options.importId,
            ...(change.rectification?.kept.length ? { keptRectified: change.rectification.kept } : {}),
            ...(change.rectification?.cleared.length ? { rectificationCleared: change.rectification.cleared } : {}),
          }),
        })),
      )
      if (options.dryRun) throw new DryRunRollback()
    }).catch((error) => {
      if (!(error instanceof DryRunRollback)) throw error
    })
    report.households.created += counts.created
    report.households.updated += counts.updated
    report.households.unchanged += counts.unchanged
    for (const warning of rectifiedWarnings) {
      report.warningsTotal++
      if (report.warnings.length < MAX_WARNINGS) report.warnings.push(warning)
    }
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
