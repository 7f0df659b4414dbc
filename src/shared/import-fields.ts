/** An import's vocabulary, one copy for the server and the web app: what a file is read as. */

/** What a file is read as. */
export const TABLE_FORMATS = ['csv', 'xlsx'] as const
export type TableFormat = (typeof TABLE_FORMATS)[number]

/** The encodings landlords' exports come in: UTF-8 (with or without BOM), Windows-1252, Excel's "Unicode text". */
export const TEXT_ENCODINGS = ['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'] as const
export type TextEncoding = (typeof TEXT_ENCODINGS)[number]

/** The column separators a text table may use, in the order that breaks ties (French exports use `;`). */
export const SEPARATORS = [';', ',', '\t', '|'] as const
export type Separator = (typeof SEPARATORS)[number]
