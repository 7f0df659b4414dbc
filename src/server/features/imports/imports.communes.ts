import { officialCommunes } from '../../communes.js'

interface CommuneEntry {
  inseeCode: string
  name: string
  key: string
}

let byPostcode: Map<string, CommuneEntry[]> | undefined

/** "ST-DIE-DES-VOSGES", "Saint Dié des Vosges" and "saint-dié-des-vosges" all give the same key. */
export function communeKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/\bCEDEX\b.*$/, '')
    .replace(/\bSTE\b/g, 'SAINTE')
    .replace(/\bST\b/g, 'SAINT')
    .replace(/[^A-Z0-9]+/g, '')
}

function index() {
  if (byPostcode) return byPostcode
  byPostcode = new Map()
  for (const commune of officialCommunes()) {
    if (commune.type !== 'commune-actuelle') continue
    for (const postcode of commune.codesPostaux ?? []) {
      const list = byPostcode.get(postcode) ?? []
      list.push({ inseeCode: commune.code, name: commune.nom, key: communeKey(commune.nom) })
      byPostcode.set(postcode, list)
    }
  }
  return byPostcode
}

export type AddressCheck =
  | { ok: true; inseeCode: string; city: string; postcode: string }
  | { ok: false; message: string; column: 'postcode' | 'city' }

/** Checks a postcode and commune against the official communes data (Etalab). */
export function checkAddress(rawPostcode: string, rawCity: string): AddressCheck {
  let postcode = rawPostcode.replace(/\s/g, '')
  if (/^\d{4}$/.test(postcode) && index().has(`0${postcode}`)) postcode = `0${postcode}`
  const candidates = index().get(postcode)
  if (!/^\d{5}$/.test(postcode) || !candidates) return { ok: false, message: 'unknown postcode', column: 'postcode' }
  const key = communeKey(rawCity)
  const found = candidates.find((candidate) => candidate.key === key)
  if (found) return { ok: true, inseeCode: found.inseeCode, city: found.name, postcode }
  if (candidates.length === 1)
    return { ok: true, inseeCode: candidates[0].inseeCode, city: candidates[0].name, postcode }
  return { ok: false, message: `no commune "${rawCity}" with postcode ${postcode}`, column: 'city' }
}
