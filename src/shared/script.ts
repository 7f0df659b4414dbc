/** The placeholders a call script may use, and what fills them. */
export const SCRIPT_PLACEHOLDERS = [
  'prenom',
  'nom',
  'civilite_nom',
  'agence',
  'bailleur',
  'appelant',
  'campagne',
] as const
export type ScriptPlaceholder = (typeof SCRIPT_PLACEHOLDERS)[number]

const PATTERN = /\{\{\s*([a-z_]+)\s*\}\}/g

/** Placeholders used in a script that Allervers cannot fill. */
export function unknownPlaceholders(script: string): string[] {
  const unknown = new Set<string>()
  for (const match of script.matchAll(PATTERN)) {
    if (!(SCRIPT_PLACEHOLDERS as readonly string[]).includes(match[1])) unknown.add(match[1])
  }
  return [...unknown]
}

/** Fills `{{prenom}}`-style placeholders; a value we do not have becomes an empty string, never "undefined". */
export function fillScript(script: string, values: Partial<Record<ScriptPlaceholder, string | null>>): string {
  return script.replace(PATTERN, (_, name: string) => values[name as ScriptPlaceholder] ?? '')
}
