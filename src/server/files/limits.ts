/**
 * How much of a file a reader may take in: each limit is checked while the file is read, at the row, cell or byte
 * that crosses it, so that a hostile file is stopped before it costs memory or minutes. The defaults fit the largest
 * real exports with room to spare (a landlord's 200,000 households are ~460,000 rows of ~20 columns: ~9 million
 * cells; as .xlsx, ~350 MB of sheet XML and ~500,000 shared strings); `src/server/config.ts` reads them from the
 * environment (the setting named in each refusal).
 */
export interface TableLimits {
  /** Bytes the parts of a workbook read (sheet, shared strings, styles…) may expand to once uncompressed. */
  maxUncompressedBytes: number
  /** Rows of the sheet or lines of the file, header and blank ones included. */
  maxRows: number
  /** Columns: the position of the right-most cell of any row. */
  maxColumns: number
  /** Cells of the whole file: each row counts its width (a cell far to the right counts every cell before it). */
  maxCells: number
  /** Distinct texts of a workbook (its shared strings), all kept in memory while it is read. */
  maxSharedStrings: number
}

export type TableLimit = keyof TableLimits

export const DEFAULT_TABLE_LIMITS: TableLimits = {
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxRows: 1_000_000,
  maxColumns: 1000,
  maxCells: 30_000_000,
  maxSharedStrings: 2_000_000,
}

/** The environment variable of each limit, named in refusals so that an administrator knows what to raise. */
export const LIMIT_SETTINGS = {
  maxUncompressedBytes: 'IMPORT_MAX_UNCOMPRESSED_MB',
  maxRows: 'IMPORT_MAX_ROWS',
  maxColumns: 'IMPORT_MAX_COLUMNS',
  maxCells: 'IMPORT_MAX_CELLS',
  maxSharedStrings: 'IMPORT_MAX_SHARED_STRINGS',
  fileBytes: 'IMPORT_MAX_UPLOAD_MB',
  memoryMb: 'IMPORT_READER_MEMORY_MB',
  seconds: 'IMPORT_READER_SECONDS',
} as const

/** What a refusal for a crossed limit says in its `details`: which limit, its value, and what the file reached. */
export interface CrossedLimit {
  limit: TableLimit | 'fileBytes' | 'memoryMb' | 'seconds' | 'lineBytes' | 'cellBytes'
  /** The limit's value. */
  max: number
  /**
   * What the file reached when reading stopped (reading stops as soon as a limit is crossed: often max + 1); not
   * given for the reader's memory and time, which are not measured, only cut off.
   */
  found?: number
  /** The environment variable that sets it, when one does. */
  setting?: string
}

/** 1234567 → "1,234,567": limits and counts as people read them. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US')
}

export function megabytes(bytes: number): number {
  return Math.round(bytes / (1024 * 1024))
}
