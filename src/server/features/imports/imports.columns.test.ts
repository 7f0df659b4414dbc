import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { IMPORT_FIELDS, type ImportField, normalizeHeader } from '../../../shared/import-fields.js'
import {
  autoMap,
  checkMapping,
  fieldForHeader,
  HEADER_ALIASES,
  isSensitiveHeader,
  looksLikeNir,
  MappingError,
  mappingFromNamed,
  validateMapping,
} from './imports.columns.js'
import { FileRefusedError, openTable } from './imports.reader.js'

const fixture = (name: string) => join(import.meta.dirname, '../../../../test/fixtures/imports', name)

function refusalOf(action: () => unknown): string {
  try {
    action()
  } catch (error) {
    assert.ok(error instanceof MappingError && error instanceof FileRefusedError, String(error))
    return error.message
  }
  assert.fail('the mapping was accepted')
}

describe('header aliases', () => {
  it('knows at least the aliases of the specification', () => {
    const required: Record<ImportField, string[]> = {
      externalRef: ['référence', 'référence ménage', 'n° locataire', 'numéro locataire', 'code locataire', 'matricule'],
      lastName: ['nom', 'nom locataire', 'nom du titulaire'],
      firstName: ['prénom'],
      civility: ['civilité', 'Civilité', 'CIVILITE', 'civ'],
      birthDate: ['date de naissance', 'né(e) le'],
      role: ['rôle', 'lien', 'qualité'],
      phones: ['téléphone', 'tél', 'tél fixe', 'téléphone domicile', 'portable', 'mobile', 'tél portable'],
      email: ['email', 'courriel'],
      addressLine1: ['adresse', 'adresse 1'],
      addressLine2: ['complément d’adresse', "complément d'adresse", 'adresse 2'],
      postcode: ['code postal', 'cp'],
      city: ['ville', 'commune'],
      agency: ['agence', 'secteur'],
      occupants: ['nb occupants', 'nombre d’occupants', "nombre d'occupants"],
      floor: ['étage'],
      hasLift: ['ascenseur'],
      leaseStart: ['date d’entrée', "date d'entrée", 'date entrée', 'début de bail'],
      arrears: ['solde', 'impayé', 'montant impayé', 'dette'],
      housingBenefit: ['apl', 'aide au logement'],
      supportProgramme: ['accompagnement', 'dispositif d’accompagnement', 'suivi social'],
      worksProgramme: ['programme de travaux', 'réhabilitation', 'opération'],
      objection: ['opposition', 'ne pas appeler'],
    }
    for (const field of IMPORT_FIELDS) {
      for (const alias of required[field]) assert.equal(fieldForHeader(alias), field, alias)
    }
  })

  it('maps every alias of the table to its field, whatever the case, accents, spaces and punctuation', () => {
    for (const field of IMPORT_FIELDS) {
      for (const alias of HEADER_ALIASES[field]) {
        const shouted = alias.toUpperCase()
        const plain = alias.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
        const spaced = ` ${alias.replace(/ /g, '  ')}. `
        for (const header of [alias, shouted, plain, spaced]) assert.equal(fieldForHeader(header), field, header)
      }
    }
    assert.equal(normalizeHeader('N° Locataire'), normalizeHeader('n  locataire'))
    assert.equal(normalizeHeader('Nº LOCATAIRE'), 'nlocataire')
    assert.equal(fieldForHeader('Téléphone 2'), 'phones')
    assert.equal(fieldForHeader('TEL.1'), 'phones')
    assert.equal(fieldForHeader('Nom 2'), null, 'only phones take a number after their name')
    assert.equal(fieldForHeader('Code INSEE'), null)
  })

  it('maps a file’s headers: first column wins a field, every phone column is kept, the rest is listed', () => {
    const { mapping, unmapped, ignoredSensitive } = autoMap([
      'REFERENCE MENAGE',
      'Nom du titulaire',
      'Tél.',
      'Portable',
      'NIR',
      'Né(e) le',
      'Nom',
      'Commentaire',
      '',
      'Téléphone 3',
    ])
    assert.deepEqual(mapping, [
      'externalRef',
      'lastName',
      'phones',
      'phones',
      null,
      'birthDate',
      null,
      null,
      null,
      'phones',
    ])
    assert.deepEqual(unmapped, ['Nom', 'Commentaire'])
    assert.deepEqual(ignoredSensitive, ['NIR'])
  })
})

describe('social-security numbers', () => {
  it('never maps a column named like a social-security number, and says it was ignored on purpose', () => {
    for (const header of ['NIR', 'nir clé', 'N° NIR', 'N° sécu', 'Numéro de sécurité sociale', 'N° INSEE', 'n° SS'])
      assert.equal(isSensitiveHeader(header), true, header)
    for (const header of ['Code INSEE', 'Nom', 'Secteur', 'Commune'])
      assert.equal(isSensitiveHeader(header), false, header)
  })

  it('also ignores a column whose values look like NIRs when preview rows are given', async () => {
    assert.equal(looksLikeNir('1 48 03 54 395 123 45'), true)
    assert.equal(looksLikeNir('2480354395123'), true)
    assert.equal(looksLikeNir('2 80 03 2A 004 123'), true, 'Corsica')
    assert.equal(looksLikeNir('0612345678'), false)
    assert.equal(looksLikeNir('L001'), false)
    const table = await openTable(fixture('nir.csv'))
    assert.deepEqual(autoMap(table.headers).ignoredSensitive, ['N° sécu'])
    const withValues = autoMap(table.headers, table.preview)
    assert.deepEqual(withValues.ignoredSensitive, ['N° sécu', 'Identifiant'])
    assert.deepEqual(withValues.mapping, ['externalRef', 'lastName', null, null])
  })
})

describe('checking a mapping', () => {
  const headers = ['N° locataire', 'Nom', 'Téléphone', 'Portable', 'NIR']

  it('refuses a file without a reference or a name column, listing the aliases and the headers found', async () => {
    const table = await openTable(fixture('no-reference.csv'))
    assert.equal(
      refusalOf(() => validateMapping(autoMap(table.headers).mapping, table.headers)),
      `No column for the household reference: expected one of ${HEADER_ALIASES.externalRef.join(', ')}; found headers: Nom, Prénom, Téléphone`,
    )
    assert.equal(
      refusalOf(() => checkMapping(['externalRef', null], ['Référence', 'Prénom'])),
      `No column for the name: expected one of ${HEADER_ALIASES.lastName.join(', ')}; found headers: Référence, Prénom`,
    )
  })

  it('refuses two columns for a one-column field, a mapping of the wrong length and a sensitive column', () => {
    assert.equal(
      refusalOf(() => validateMapping(['externalRef', 'lastName', 'lastName', 'phones', null], headers)),
      'Two columns are mapped to lastName: "Nom" and "Téléphone"',
    )
    assert.doesNotThrow(() => validateMapping(['externalRef', 'lastName', 'phones', 'phones', null], headers))
    assert.equal(
      refusalOf(() => validateMapping(['externalRef', 'lastName'], headers)),
      'The mapping lists 2 columns but the file has 5',
    )
    assert.equal(
      refusalOf(() => validateMapping(['externalRef', 'lastName', null, null, 'agency'], headers)),
      'Column "NIR" may not be imported: it holds social-security numbers',
    )
  })

  it('applies a saved mapping by header text, and names an unknown field or a header the file lacks', () => {
    assert.deepEqual(
      mappingFromNamed(headers, { 'n° LOCATAIRE': 'externalRef', Nom: 'lastName', Portable: 'phones' }),
      ['externalRef', 'lastName', null, 'phones', null],
    )
    assert.equal(
      refusalOf(() => mappingFromNamed(headers, { Nom: 'surname' })),
      `Unknown field "surname" for column "Nom"; fields: ${IMPORT_FIELDS.join(', ')}`,
    )
    assert.equal(
      refusalOf(() => mappingFromNamed(headers, { 'Date de naissance': 'birthDate' })),
      'The mapping names a column "Date de naissance" that this file does not have; its columns: N° locataire, Nom, Téléphone, Portable, NIR',
    )
    assert.equal(
      refusalOf(() => mappingFromNamed(headers, { NIR: 'externalRef' })),
      'Column "NIR" may not be imported: it holds social-security numbers',
    )
  })
})
