/**
 * The imports feature's contract: a file previewed, then imported in the background and followed by its id, its
 * rejected rows as CSV, and the column mappings an organisation saved. The two uploads are multipart forms: their
 * text fields are described (and validated) by the body schemas below; the file part is streamed to disk.
 */
import { type Static, Type } from 'typebox'
import { IMPORT_FIELDS, IMPORT_STATUSES, SEPARATORS, TABLE_FORMATS, TEXT_ENCODINGS } from '../import-fields.js'
import { fileResponse, IdParams, Nullable } from './common.js'
import { route } from './route.js'

export const ImportFieldSchema = Type.Enum(IMPORT_FIELDS)

/** Column index → field (null: the column is not imported). */
export const MappingSchema = Type.Array(Nullable(ImportFieldSchema))

const FILE_PART = Type.Optional(
  Type.String({
    format: 'binary',
    description:
      'The file (CSV, text or .xlsx), up to 200 MB (IMPORT_MAX_UPLOAD_MB); read within the limits of IMPORT_MAX_*',
  }),
)
const FLAG = Type.Optional(Type.Enum(['true', 'false']))

const ORGANIZATION_CODE = Type.String({
  maxLength: 64,
  description: 'The code of the organisation the households belong to',
})

/**
 * POST /imports/preview: the file, and the organisation it is for (needed when the user imports for several): the
 * upload it gives can then be imported by the same user, for that organisation only.
 */
export const PreviewFormSchema = Type.Object(
  { file: FILE_PART, organization: Type.Optional(ORGANIZATION_CODE) },
  { additionalProperties: false },
)

/**
 * POST /imports: the file again, or the `uploadId` its preview gave; the organisation's code; the mapping as JSON
 * (else the saved mapping named `mappingName`, else the automatic one).
 */
export const StartFormSchema = Type.Object(
  {
    file: FILE_PART,
    uploadId: Type.Optional(Type.String({ pattern: '^[0-9a-f-]{36}$', description: 'From the preview' })),
    fileName: Type.Optional(
      Type.String({ maxLength: 255, description: 'Ignored: the upload keeps the name its file had' }),
    ),
    organization: ORGANIZATION_CODE,
    mapping: Type.Optional(
      Type.String({ maxLength: 256 * 1024, description: 'JSON: one field (or null) for each column' }),
    ),
    mappingName: Type.Optional(Type.String({ maxLength: 100 })),
    saveMappingAs: Type.Optional(Type.String({ maxLength: 100 })),
    snapshot: FLAG,
    dryRun: FLAG,
  },
  { additionalProperties: false },
)

export const TableRowSchema = Type.Object({
  /** The file's own line number (header = line 1). */
  line: Type.Integer(),
  cells: Type.Array(Type.String()),
})

export const PreviewSchema = Type.Object({
  uploadId: Type.String(),
  fileName: Type.String(),
  format: Type.Enum(TABLE_FORMATS),
  encoding: Nullable(Type.Enum(TEXT_ENCODINGS)),
  separator: Nullable(Type.Enum(SEPARATORS)),
  headers: Type.Array(Type.String()),
  rowCount: Type.Integer(),
  preview: Type.Array(TableRowSchema),
  mapping: MappingSchema,
  unmapped: Type.Array(Type.String()),
  ignoredSensitive: Type.Array(Type.String()),
  fields: Type.Array(ImportFieldSchema),
  aliases: Type.Record(ImportFieldSchema, Type.Array(Type.String())),
})

export const ImportReportSchema = Type.Object({
  rows: Type.Integer(),
  households: Type.Object({
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    left: Type.Integer(),
  }),
  rejected: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() })),
  warnings: Type.Array(
    Type.Object({ line: Type.Integer(), column: Type.String(), value: Type.String(), message: Type.String() }),
  ),
  /** Warnings beyond those listed are counted, not listed. */
  warningsTotal: Type.Integer(),
})

export const ImportRunSchema = Type.Object({
  id: Type.String(),
  status: Type.Enum(IMPORT_STATUSES),
  fileName: Type.String(),
  isSnapshot: Type.Boolean(),
  isDryRun: Type.Boolean(),
  rowsTotal: Type.Integer(),
  rowsDone: Type.Integer(),
  /** Once the run is done. */
  report: Nullable(ImportReportSchema),
  error: Nullable(Type.String()),
  createdAt: Type.String(),
  finishedAt: Nullable(Type.String()),
})

const ImportRunAnswer = Type.Object({ import: ImportRunSchema })

export const SavedMappingSchema = Type.Object({
  name: Type.String(),
  /** Header as the file names it → field. */
  columns: Type.Record(Type.String(), Type.String()),
})

export const importsContract = {
  preview: route('POST', '/imports/preview', {
    tags: ['imports'],
    summary: 'Reads a file and proposes a mapping of its columns; nothing is imported',
    consumes: ['multipart/form-data'],
    body: PreviewFormSchema,
    response: { 200: PreviewSchema },
  }),
  start: route('POST', '/imports', {
    tags: ['imports'],
    summary: 'Starts an import; it goes on after the answer (follow it with GET /imports/:id)',
    consumes: ['multipart/form-data'],
    body: StartFormSchema,
    response: { 202: ImportRunAnswer },
  }),
  read: route('GET', '/imports/:id', {
    tags: ['imports'],
    params: IdParams,
    response: { 200: ImportRunAnswer },
  }),
  rejectedRows: route('GET', '/imports/:id/rejected.csv', {
    tags: ['imports'],
    summary: 'The rows a finished import rejected, whole, with their line and reason',
    params: IdParams,
    response: { 200: fileResponse('The rejected rows (CSV, semicolon-separated, UTF-8 with BOM)', ['text/csv']) },
  }),
  mappings: route('GET', '/import-mappings', {
    tags: ['imports'],
    querystring: Type.Object({ organization: Type.String({ maxLength: 64 }) }),
    response: { 200: Type.Object({ items: Type.Array(SavedMappingSchema) }) },
  }),
}

export type ImportPreview = Static<typeof PreviewSchema>
export type ImportRun = Static<typeof ImportRunSchema>
export type ImportReport = Static<typeof ImportReportSchema>
export type StartForm = Static<typeof StartFormSchema>
