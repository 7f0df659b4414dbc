import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import i18next from 'i18next'
import { RECTIFIED_KEPT } from '../../../shared/import-fields.js'
import { ApiError } from '../../api/client.js'
import { explainReason, explainRefusal } from './explain.js'
import { importsFr } from './imports.i18n.js'

const i18n = i18next.createInstance()
await i18n.init({ lng: 'fr', resources: { fr: { translation: { imports: importsFr } } } })
const t = i18n.t.bind(i18n)

describe('a refused file, in plain words', () => {
  it('names the limit the file crossed, with its value as people read it', () => {
    const refused = (details: object, code = 'UNPROCESSABLE') =>
      explainRefusal(
        t,
        new ApiError(code === 'UNPROCESSABLE' ? 422 : 413, code, 'in English', { field: 'file', ...details }),
      )
    assert.equal(
      refused({ limit: 'maxColumns', max: 1000, found: 16384 }),
      'Une ligne a une cellule en colonne XFD, au-delà des 1\u202f000 colonnes lues. Supprimez les cellules à droite de votre tableau, ou enregistrez-le en CSV.',
    )
    assert.match(
      refused({ limit: 'maxRows', max: 1_000_000, found: 1_000_001 }),
      /^Le fichier a plus de 1\u202f000\u202f000 lignes/,
    )
    assert.match(
      refused({ limit: 'maxUncompressedBytes', max: 1024 * 1024 * 1024, found: 2e9 }),
      /plus de 1\u202f024 Mo une fois décompressé/,
    )
    assert.match(refused({ limit: 'seconds', max: 180 }), /plus de 180 secondes/)
    assert.match(refused({ limit: 'memoryMb', max: 256 }), /\(256 Mo\)/)
    assert.equal(
      refused({ limit: 'fileBytes', max: 200 * 1024 * 1024 }, 'PAYLOAD_TOO_LARGE'),
      'Le fichier dépasse 200 Mo, la taille la plus grande acceptée.',
    )
    // A refusal without a limit keeps its own explanation, or the server's words.
    assert.equal(refused({}), 'in English')
  })
})

describe('a warning of the import report, in plain words', () => {
  it('says in French that a value the tenant had rectified was kept, the file’s not taken', () => {
    assert.equal(
      explainReason(t, RECTIFIED_KEPT),
      'donnée rectifiée à la demande du locataire\u202f; la valeur du fichier n’a pas été reprise (corrigez-la à la source)',
    )
    // The address's reasons, with their values.
    assert.equal(
      explainReason(t, 'not the commune of postcode 54500; recorded as Vandœuvre-lès-Nancy'),
      'pas une commune du code postal 54500\u202f; enregistrée comme Vandœuvre-lès-Nancy',
    )
    assert.equal(
      explainReason(t, 'no commune given, and postcode 54230 has several (Chaligny, Chavigny, Neuves-Maisons)'),
      'pas de commune indiquée, et le code postal 54230 en a plusieurs (Chaligny, Chavigny, Neuves-Maisons)',
    )
    assert.equal(
      explainReason(t, 'not a postcode: 4 digits, and 09999 is not a known postcode'),
      'ce n’est pas un code postal\u00a0: 4 chiffres, et 09999 n’est pas un code postal connu',
    )
    assert.equal(
      explainReason(t, 'not a postcode (5 digits expected)'),
      'ce n’est pas un code postal (5 chiffres attendus)',
    )
    // A reason the app does not know stays as the server wrote it.
    assert.equal(explainReason(t, 'something new'), 'something new')
  })
})
