/**
 * An import's vocabulary, one copy for the server and the web app: the household fields an import can fill and how a
 * column's header is compared (automatic mapping, saved mappings, the row reader, the mapping step), what a file is
 * read as, and the states of a run. The contract (`contracts/imports.ts`) builds its schemas from these lists.
 */

export const IMPORT_FIELDS = [
  'externalRef',
  'lastName',
  'firstName',
  'civility',
  'birthDate',
  'role',
  'phones',
  'email',
  'addressLine1',
  'addressLine2',
  'postcode',
  'city',
  'agency',
  'occupants',
  'floor',
  'hasLift',
  'leaseStart',
  'arrears',
  'housingBenefit',
  'supportProgramme',
  'worksProgramme',
  'objection',
] as const
export type ImportField = (typeof IMPORT_FIELDS)[number]

/** Fields that may take several columns (a landline column and a mobile column); any other field takes one. */
export const MULTI_COLUMN_FIELDS: readonly ImportField[] = ['phones']

/** Without a column for each of these a file cannot be imported at all. */
export const REQUIRED_FIELDS = ['externalRef', 'lastName'] as const satisfies readonly ImportField[]

/** Column index → field (null = not imported). `phones` may take several columns; any other field one. */
export type Mapping = Array<ImportField | null>

export function isImportField(value: unknown): value is ImportField {
  return (IMPORT_FIELDS as readonly unknown[]).includes(value)
}

/** Header text → comparison key: case, accents, spaces and punctuation ignored; `œ` read as `oe`. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/[^a-z0-9]+/g, '')
}

/** What a file is read as. */
export const TABLE_FORMATS = ['csv', 'xlsx'] as const
export type TableFormat = (typeof TABLE_FORMATS)[number]

/** The encodings landlords' exports come in: UTF-8 (with or without BOM), Windows-1252, Excel's "Unicode text". */
export const TEXT_ENCODINGS = ['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'] as const
export type TextEncoding = (typeof TEXT_ENCODINGS)[number]

/** The column separators a text table may use, in the order that breaks ties (French exports use `;`). */
export const SEPARATORS = [';', ',', '\t', '|'] as const
export type Separator = (typeof SEPARATORS)[number]

/** An import's run: going on in the background, finished (with its report), or stopped on an unexpected error. */
export const IMPORT_STATUSES = ['running', 'done', 'failed'] as const
export type ImportStatus = (typeof IMPORT_STATUSES)[number]

/**
 * The import's warning for a field the tenant had rectified (GDPR art. 16) that the file still gives otherwise: the
 * rectified value was kept. Plain words without a full stop or a colon: the web app translates it as a known reason.
 */
export const RECTIFIED_KEPT =
  'rectified at the tenant’s request; the file’s value was not taken (correct it at the source)'
