import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

export interface OfficialCommune {
  code: string
  nom: string
  departement?: string
  codesPostaux?: string[]
  type: string
  population?: number
}

let cache: OfficialCommune[] | undefined

/**
 * The official communes (Etalab's decoupage-administratif), read once with JSON.parse when first needed. Importing
 * the 8.6 MB file as a module cost about 250 MB of memory through the TypeScript loader; parsing it costs a fraction.
 */
export function officialCommunes(): OfficialCommune[] {
  if (!cache) {
    const path = createRequire(import.meta.url).resolve('@etalab/decoupage-administratif/data/communes.json')
    const all = JSON.parse(readFileSync(path, 'utf8')) as OfficialCommune[]
    cache = all
      .filter((commune) => commune.type === 'commune-actuelle')
      .map(({ code, nom, departement, codesPostaux, type, population }) => ({
        code,
        nom,
        departement,
        codesPostaux,
        type,
        population,
      }))
  }
  return cache
}
