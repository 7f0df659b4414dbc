import { officialCommunes } from '../../communes.js'

/**
 * A deterministic generator of a plausible Lorraine social-housing network: the same seed gives the same data on
 * every machine. Used by `allervers demo`, the benchmarks and the import fixtures; no real person is in it.
 */

export function createRandom(seed: number) {
  let state = seed >>> 0
  const next = () => {
    // mulberry32: small, fast, good enough for synthetic data.
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    integer: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability: number) => next() < probability,
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
    digits: (count: number) => {
      let out = ''
      for (let index = 0; index < count; index++) out += Math.floor(next() * 10)
      return out
    },
  }
}
export type Random = ReturnType<typeof createRandom>

interface Commune {
  code: string
  nom: string
  departement?: string
  codesPostaux?: string[]
  type: string
  population?: number
}

export interface DemoCommune {
  inseeCode: string
  name: string
  postcode: string
  population: number
}

let lorraineCache: Map<string, DemoCommune[]> | undefined
/** Current communes of the four Lorraine départements with at least 500 inhabitants, from the official data. */
export function lorraineCommunes(): Map<string, DemoCommune[]> {
  if (lorraineCache) return lorraineCache
  lorraineCache = new Map()
  for (const commune of officialCommunes() as Commune[]) {
    if (commune.type !== 'commune-actuelle' || !commune.departement || !commune.codesPostaux?.length) continue
    if (!['54', '55', '57', '88'].includes(commune.departement) || (commune.population ?? 0) < 500) continue
    const list = lorraineCache.get(commune.departement) ?? []
    list.push({
      inseeCode: commune.code,
      name: commune.nom,
      postcode: commune.codesPostaux[0],
      population: commune.population ?? 0,
    })
    lorraineCache.set(commune.departement, list)
  }
  return lorraineCache
}

export function findCommune(name: string): DemoCommune {
  for (const list of lorraineCommunes().values()) {
    const found = list.find((commune) => commune.name === name)
    if (found) return found
  }
  throw new Error(`commune ${name} is not in the official data`)
}

export interface DemoAgency {
  code: string
  name: string
  commune: string
  departements: string[]
}

export interface DemoOrganization {
  code: string
  name: string
  type: 'landlord' | 'association' | 'partner'
  share: number
  agencies: DemoAgency[]
  onCallContact?: string
}

export const DEMO_NETWORK = { code: 'demo', name: 'Réseau Habitat Lorraine (démo)' }

export const DEMO_ORGANIZATIONS: DemoOrganization[] = [
  {
    code: 'TDL',
    name: 'Toits de Lorraine',
    type: 'landlord',
    share: 0.6,
    onCallContact: 'Astreinte Toits de Lorraine : 03 83 00 00 00',
    agencies: [
      { code: 'NANCY', name: 'Agence de Nancy', commune: 'Nancy', departements: ['54'] },
      { code: 'LUNEVILLE', name: 'Agence de Lunéville', commune: 'Lunéville', departements: ['54'] },
      { code: 'VERDUN', name: 'Agence de Verdun', commune: 'Verdun', departements: ['55'] },
    ],
  },
  {
    code: 'MHS',
    name: 'Moselle Habitat Solidaire',
    type: 'landlord',
    share: 0.4,
    onCallContact: 'Astreinte MHS : 03 87 00 00 00',
    agencies: [
      { code: 'METZ', name: 'Agence de Metz', commune: 'Metz', departements: ['57'] },
      { code: 'THIONVILLE', name: 'Agence de Thionville', commune: 'Thionville', departements: ['57'] },
      { code: 'EPINAL', name: "Agence d'Épinal", commune: 'Épinal', departements: ['88'] },
    ],
  },
  { code: 'ALS', name: 'Association Lorraine Solidarité', type: 'association', share: 0, agencies: [] },
  { code: 'CCAS-NANCY', name: 'CCAS de Nancy', type: 'partner', share: 0, agencies: [] },
]

const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Thomas',
  'Petit',
  'Robert',
  'Richard',
  'Durand',
  'Dubois',
  'Moreau',
  'Laurent',
  'Simon',
  'Michel',
  'Lefèvre',
  'Leroy',
  'Roux',
  'David',
  'Bertrand',
  'Morel',
  'Fournier',
  'Girard',
  'Bonnet',
  'Dupont',
  'Lambert',
  'Fontaine',
  'Rousseau',
  'Vincent',
  'Muller',
  'Schmitt',
  'Weber',
  'Klein',
  'Meyer',
  'Hoffmann',
  'Wagner',
  'Becker',
  'Schneider',
  'Mathieu',
  'Marchal',
  'Colin',
  'Gérard',
  'François',
  'Haddad',
  'Benali',
  'Nguyen',
  'Da Silva',
  'Pereira',
  'Kaya',
  'Diallo',
  'Traoré',
  'Mansouri',
  'Kowalski',
  'Rossi',
  'Ferrari',
  'Lorrain',
  'Thiébaut',
  'Humbert',
]
const FIRST_NAMES_F = [
  'Marie',
  'Jeanne',
  'Monique',
  'Françoise',
  'Nicole',
  'Christiane',
  'Yvette',
  'Odette',
  'Simone',
  'Denise',
  'Colette',
  'Sophie',
  'Nathalie',
  'Isabelle',
  'Fatima',
  'Aïcha',
  'Julie',
  'Camille',
  'Léa',
  'Chloé',
  'Inès',
  'Sarah',
  'Emma',
]
const FIRST_NAMES_M = [
  'Jean',
  'Pierre',
  'Michel',
  'André',
  'Bernard',
  'Gérard',
  'René',
  'Marcel',
  'Roger',
  'Robert',
  'Claude',
  'Jacques',
  'Philippe',
  'Alain',
  'Mohamed',
  'Karim',
  'Nicolas',
  'Thomas',
  'Lucas',
  'Hugo',
  'Yanis',
  'Adam',
  'Léo',
  'Mehdi',
]
const STREETS = [
  'rue de la République',
  'avenue de Strasbourg',
  'rue Jeanne d’Arc',
  'boulevard Foch',
  'rue des Lilas',
  'allée des Tilleuls',
  'rue du Général Leclerc',
  'place Stanislas',
  'rue Saint-Nicolas',
  'avenue de la Libération',
  'rue Victor Hugo',
  'rue des Jardiniers',
  'rue de Metz',
  'rue de Verdun',
  'impasse des Mésanges',
  'rue Pasteur',
]
const WORKS = ['Réhabilitation Haussonville 2027', 'Isolation thermique Borny', 'Remplacement ascenseurs Plateau']

export interface DemoMember {
  lastName: string
  firstName: string
  birthDate: string | null
  role: 'titulaire' | 'cotitulaire' | 'enfant' | 'occupant'
}

export interface DemoHousehold {
  organizationCode: string
  agencyCode: string
  externalRef: string
  /** The leaseholder's civility; one file in ten gives none (the script then greets by first name and name). */
  civility: 'M' | 'Mme' | null
  members: DemoMember[]
  phones: string[]
  email: string | null
  addressLine1: string
  addressLine2: string | null
  postcode: string
  city: string
  inseeCode: string
  floor: number
  hasLift: boolean
  leaseStart: string
  arrearsCents: number
  housingBenefit: boolean
  supportProgramme: boolean
  worksProgramme: string | null
}

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

function randomBirthDate(random: Random, minAge: number, maxAge: number, referenceYear: number): string {
  const year = referenceYear - random.integer(minAge, maxAge)
  return isoDate(year, random.integer(1, 12), random.integer(1, 28))
}

/** Leaseholder ages in social housing lean older than the population: about a quarter are 70 or more. */
function leaseholderAgeRange(random: Random): [number, number] {
  const roll = random.next()
  if (roll < 0.08) return [85, 97]
  if (roll < 0.18) return [75, 84]
  if (roll < 0.27) return [70, 74]
  if (roll < 0.45) return [55, 69]
  return [20, 54]
}

function randomPhone(random: Random, departement: string): string {
  const styles = [
    (d: string) => d.replace(/(\d{2})(?=\d)/g, '$1 '),
    (d: string) => d.replace(/(\d{2})(?=\d)/g, '$1.'),
    (d: string) => `+33 ${d.slice(1).replace(/^(\d)(\d{2})(\d{2})(\d{2})(\d{2})$/, '$1 $2 $3 $4 $5')}`,
    (d: string) => d,
  ]
  const style = random.pick(styles)
  if (random.chance(0.04)) return random.pick(['06 12 34', '00 00 00 00 00', 'inconnu', '+33 1'])
  // Metropolitan mobile ranges only: 0639 and 069x belong to overseas départements.
  if (random.chance(0.6))
    return style(
      `0${random.pick(['60', '61', '62', '64', '65', '67', '68', '75', '76', '77', '78'])}${random.digits(7)}`,
    )
  const area = departement === '57' ? '87' : departement === '88' || departement === '55' ? '29' : '83'
  return style(`03${area}${random.digits(6)}`)
}

/** Generates `count` households for one organisation; `offset` keeps references unique across calls. */
export function* generateHouseholds(
  organization: DemoOrganization,
  count: number,
  options: { seed?: number; referenceYear?: number; offset?: number } = {},
): Generator<DemoHousehold> {
  const random = createRandom((options.seed ?? 2020) + organization.code.charCodeAt(0) * 7919)
  const referenceYear = options.referenceYear ?? 2026
  const byDepartement = lorraineCommunes()
  const agencyCommunes = organization.agencies.map((agency) => {
    const list = agency.departements.flatMap((departement) => byDepartement.get(departement) ?? [])
    // Weight the agency's communes by population so cities get most households.
    const weighted: DemoCommune[] = []
    for (const commune of list) {
      for (let index = 0; index < Math.max(1, Math.round(commune.population / 5000)); index++) weighted.push(commune)
    }
    return { agency, communes: weighted }
  })
  for (let index = 0; index < count; index++) {
    const { agency, communes: pool } = random.pick(agencyCommunes)
    const commune = random.chance(0.5) ? findCommune(agency.commune) : random.pick(pool)
    const lastName = random.pick(LAST_NAMES)
    const isWoman = random.chance(0.62)
    const ageRange = leaseholderAgeRange(random)
    const isOld = ageRange[0] >= 70
    const sizeRoll = random.next()
    const size = isOld
      ? sizeRoll < 0.62
        ? 1
        : 2
      : sizeRoll < 0.33
        ? 1
        : sizeRoll < 0.55
          ? 2
          : sizeRoll < 0.72
            ? 3
            : sizeRoll < 0.88
              ? 4
              : random.integer(5, 7)
    const leaseholder: DemoMember = {
      lastName,
      firstName: random.pick(isWoman ? FIRST_NAMES_F : FIRST_NAMES_M),
      birthDate: random.chance(0.03) ? null : randomBirthDate(random, ageRange[0], ageRange[1], referenceYear),
      role: 'titulaire',
    }
    const members: DemoMember[] = [leaseholder]
    for (let memberIndex = 1; memberIndex < size; memberIndex++) {
      const isPartner = memberIndex === 1 && random.chance(0.6)
      members.push({
        lastName: random.chance(0.85) ? lastName : random.pick(LAST_NAMES),
        firstName: random.pick(random.chance(0.5) ? FIRST_NAMES_F : FIRST_NAMES_M),
        birthDate: isPartner
          ? randomBirthDate(random, ageRange[0], Math.min(ageRange[1] + 3, 99), referenceYear)
          : randomBirthDate(random, 0, 25, referenceYear),
        role: isPartner ? 'cotitulaire' : random.chance(0.8) ? 'enfant' : 'occupant',
      })
    }
    const phoneCount = random.chance(0.07) ? 0 : random.chance(0.55) ? 1 : random.chance(0.75) ? 2 : 3
    const phones = Array.from({ length: phoneCount }, () => randomPhone(random, commune.inseeCode.slice(0, 2)))
    const floor = random.chance(0.25) ? 0 : random.integer(1, 10)
    const hasArrears = random.chance(0.14)
    yield {
      organizationCode: organization.code,
      agencyCode: agency.code,
      externalRef: `${organization.code}-${String((options.offset ?? 0) + index + 1).padStart(7, '0')}`,
      // No random draw: the rest of the data stays what it was for a seed.
      civility: index % 10 === 9 ? null : isWoman ? 'Mme' : 'M',
      members,
      phones,
      email: random.chance(0.3)
        ? `${leaseholder.firstName}.${lastName}`
            .toLowerCase()
            .normalize('NFD')
            .replace(/[^a-z.]/g, '') + `${random.integer(1, 99)}@exemple.fr`
        : null,
      addressLine1: `${random.integer(1, 180)} ${random.pick(STREETS)}`,
      addressLine2: random.chance(0.4)
        ? `Bâtiment ${random.pick(['A', 'B', 'C', 'D'])}, appartement ${random.integer(1, 60)}`
        : null,
      postcode: commune.postcode,
      city: commune.name,
      inseeCode: commune.inseeCode,
      floor,
      hasLift: floor >= 4 ? random.chance(0.9) : random.chance(0.3),
      leaseStart: isoDate(random.integer(1975, referenceYear - 1), random.integer(1, 12), random.integer(1, 28)),
      arrearsCents: hasArrears ? random.integer(50, 5000) * 100 + random.integer(0, 99) : 0,
      housingBenefit: random.chance(0.45),
      supportProgramme: random.chance(isOld ? 0.12 : 0.07),
      worksProgramme: random.chance(0.1) ? random.pick(WORKS) : null,
    }
  }
}
