import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import i18n from '../../i18n/index.js'
import { auditDetailsText, auditDetailWords, DETAIL_MAX_CHARS } from './audit-details.js'

const fr = i18n.getFixedT('fr')
const en = i18n.getFixedT('en')
/** French typography puts no-break spaces before the colons: compared with plain ones. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ')

describe('the details of an access-log line in words', () => {
  it('reads a household search’s filters as labelled words, never as JSON', () => {
    const details = {
      results: 1234,
      byReference: false,
      filters: {
        agency: 'NORD',
        fragility: 'unknown',
        objection: false,
        status: 'left',
        sort: '-age',
        q: true,
        ref: false,
      },
    }
    const text = plain(auditDetailsText(details, fr, 'fr'))
    assert.equal(
      text,
      'Résultats : 1 234 · Agence : NORD · Fragilité : Non évaluée · Opposition aux appels : non · Statut : Partis · ' +
        'Tri : Âge, décroissant · Recherche : oui',
    )
    assert.doesNotMatch(text, /[{}"]/)
    assert.equal(
      plain(auditDetailsText(details, en, 'en')),
      'Results: 1,234 · Agency: NORD · Fragility: Not assessed · Objection to calls: no · Status: Left · ' +
        'Sort: Age, descending · Search: yes',
    )
    assert.equal(plain(auditDetailsText({ filters: { sort: 'name' } }, fr, 'fr')), 'Tri : Nom')
  })

  it('reads codes through their vocabularies and the access log’s own filter names', () => {
    assert.equal(
      plain(auditDetailsText({ urgency: 'within_24h', consent: true, role: 'caller' }, fr, 'fr')),
      'Urgence : Sous 24 heures · Consentement : oui · Rôle : Appelant·e',
    )
    assert.equal(
      plain(
        auditDetailsText({ filters: ['action', 'householdRef'], householdRef: 'TDL-1', organization: null }, fr, 'fr'),
      ),
      'Filtres : Action, Référence du ménage · Référence du ménage : TDL-1',
    )
    assert.equal(
      plain(auditDetailsText({ kind: 'access', outcome: 'answered' }, en, 'en')),
      'Kind: Access · Outcome: Answered',
    )
    // The provider's back-channel logout of one of its sessions.
    const logout = { reason: 'backchannel_logout', byProviderSession: true, sessionsEnded: 2 }
    assert.equal(
      plain(auditDetailsText(logout, fr, 'fr')),
      'Motif : Déconnexion chez le fournisseur · Par session du fournisseur : oui · Sessions fermées : 2',
    )
    assert.equal(
      plain(auditDetailsText(logout, en, 'en')),
      'Reason: Signed out at the provider · By provider session: yes · Sessions ended: 2',
    )
    // A sign-in through the provider that bound an account which had a second factor of its own.
    assert.equal(
      plain(auditDetailsText({ method: 'sso', accountBound: true, secondFactorRemoved: true }, fr, 'fr')).replace(
        /^Méthode : [^·]+· /,
        '',
      ),
      'Compte rattaché au fournisseur : oui · Second facteur Allervers retiré : oui',
    )
  })

  it('reads every coded value in words, with the labels the app already has for its vocabulary', () => {
    // An erasure refused, then done on request: once « Conservé car : active_referral » and « Motif : request ».
    assert.equal(
      plain(auditDetailsText({ keptBecause: ['active_referral', 'follow_up'] }, fr, 'fr')),
      'Conservé car : orientation en cours, suivi planifié',
    )
    assert.equal(
      plain(auditDetailsText({ keptBecause: ['active_referral'] }, en, 'en')),
      'Kept because: orientation in progress',
    )
    assert.equal(plain(auditDetailsText({ reason: 'request' }, fr, 'fr')), 'Motif : Demande de la personne')
    assert.equal(
      plain(auditDetailsText({ reason: 'retention_left' }, en, 'en')),
      'Reason: Retention period over since leaving the file',
    )
    // Sign-ins, codes and single sign-on refused; a reset asked; the way a record was read; a purge started.
    assert.equal(plain(auditDetailsText({ reason: 'wrong_password' }, fr, 'fr')), 'Motif : Mauvais mot de passe')
    assert.equal(
      plain(auditDetailsText({ reason: 'code_already_used', purpose: 'verify' }, en, 'en')),
      'Reason: Code already used · Purpose: Check at sign-in',
    )
    assert.equal(
      plain(auditDetailsText({ secondFactor: 'recovery_code' }, fr, 'fr')),
      'Second facteur : Code de secours',
    )
    assert.equal(
      plain(auditDetailsText({ reason: 'expired', problem: 'unknown or used attempt' }, fr, 'fr')),
      'Motif : Délai dépassé · Problème : Tentative inconnue ou déjà utilisée',
    )
    assert.equal(plain(auditDetailsText({ outcome: 'sso_account' }, fr, 'fr')), 'Issue : Compte à connexion unique')
    assert.equal(plain(auditDetailsText({ outcome: 'refused' }, fr, 'fr')), 'Issue : Refusée')
    assert.equal(
      plain(auditDetailsText({ via: 'claim', trigger: 'worker' }, en, 'en')),
      'Via: Household taken to call · Trigger: Server’s daily purge',
    )
    assert.equal(plain(auditDetailsText({ refused: 'maxRows' }, fr, 'fr')), 'Refusé pour : Nombre de lignes')
    // Labels the app has elsewhere: the sign-in method, the languages, the sensitive categories, who may enter.
    assert.equal(
      plain(auditDetailsText({ method: 'sso', lang: 'en', format: 'pdf' }, fr, 'fr')),
      'Méthode : Connexion unique · Langue : English · Format : PDF',
    )
    assert.equal(
      plain(auditDetailsText({ category: 'health', source: 'call_note' }, fr, 'fr')),
      'Catégorie : Santé · Écrit dans : Note d’appel',
    )
    assert.match(
      plain(auditDetailsText({ provisioning: 'invitation_only' }, fr, 'fr')),
      /^Qui peut entrer : Sur invitation/,
    )
  })

  it('shows a typed reason as it is, even where reasons are usually codes', () => {
    assert.equal(
      plain(auditDetailsText({ reason: 'Le locataire a rappelé. Voir : courrier' }, fr, 'fr')),
      'Motif : Le locataire a rappelé. Voir : courrier',
    )
    assert.equal(
      plain(auditDetailsText({ via: 'toString', outcome: 'constructor' }, en, 'en')),
      'Via: toString · Outcome: constructor',
    )
  })

  it('reads a purge’s counts and a change of retention periods in words', () => {
    const purge = {
      asOf: '2026-01-11',
      trigger: 'worker',
      householdsErased: 2,
      requestsErased: 3,
      homeKeysForgotten: 0,
      sessionsErased: 41,
    }
    assert.equal(
      plain(auditDetailsText(purge, fr, 'fr')),
      'À la date du : 2026-01-11 · Déclenchement : Purge quotidienne du serveur · Ménages effacés (dernier contact) : 2 · ' +
        'Demandes du registre supprimées : 3 · Clés de logement oubliées : 0 · Sessions expirées supprimées : 41',
    )
    assert.equal(
      plain(auditDetailsText(purge, en, 'en')),
      'As of: 2026-01-11 · Trigger: Server’s daily purge · Households erased (last contact): 2 · ' +
        'Register requests deleted: 3 · Home keys forgotten: 0 · Lapsed sessions deleted: 41',
    )
    const settings = { before: { requestsMonths: 60 }, after: { requestsMonths: 36 } }
    assert.equal(
      plain(auditDetailsText(settings, fr, 'fr')),
      'Avant : (Registre des demandes, en mois : 60) · Après : (Registre des demandes, en mois : 36)',
    )
  })

  it('names the fields a rectification changed as the rectification form does', () => {
    const details = { requestId: 'r-1', fields: ['birthDate', 'lastName'] }
    assert.equal(plain(auditDetailsText(details, fr, 'fr')), 'Demande : r-1 · Champs : Date de naissance, Nom')
    assert.equal(plain(auditDetailsText(details, en, 'en')), 'Request: r-1 · Fields: Date of birth, Last name')
    // An import that kept a rectified value, and took back another the file now gives as rectified.
    assert.equal(
      plain(auditDetailsText({ keptRectified: ['lastName'], rectificationCleared: ['birthDate'] }, fr, 'fr')),
      'Valeurs rectifiées gardées : Nom · Rectifications reprises par le fichier : Date de naissance',
    )
  })

  it('reads an export’s data and a change of single sign-on settings in words', () => {
    assert.equal(
      plain(auditDetailsText({ dataset: 'unreachable', format: 'csv', rows: 12, complete: true }, fr, 'fr')),
      'Données : Ménages injoignables · Format : CSV · Lignes : 12 · Complet : oui',
    )
    assert.equal(
      plain(auditDetailsText({ isEnabled: true, mappingLines: 3, isSecretChanged: false }, en, 'en')),
      'Switched on: yes · Role mapping lines: 3 · Secret changed: no',
    )
  })

  it('shows an unknown key as it is, with its value, and leaves out empty values', () => {
    assert.deepEqual(
      auditDetailWords({ purgedHouseholds: 3, note: '', nothing: null, empty: [], none: {} }, fr, 'fr'),
      [{ label: 'purgedHouseholds', value: '3' }],
    )
    assert.deepEqual(auditDetailWords(null, fr, 'fr'), [])
    assert.equal(auditDetailsText({}, fr, 'fr'), '')
  })

  it('bounds lists, nested objects and long texts', () => {
    const many = plain(auditDetailsText({ organizations: ['A', 'B', 'C', 'D', 'E', 'F', 'G'] }, fr, 'fr'))
    assert.equal(many, 'Organismes : A, B, C, D, E et 2 autres')
    const deep = plain(
      auditDetailsText(
        { sync: { added: 2, removed: 0, inner: { deeper: { deepest: 1 } }, a: 1, b: 2, c: 3 } },
        fr,
        'fr',
      ),
    )
    assert.equal(deep, 'sync : (added : 2, removed : 0, inner : …, a : 1, b : 2 et 1 autre)')
    assert.doesNotMatch(deep, /deepest/)
    const long = auditDetailWords({ reason: 'x'.repeat(500) }, fr, 'fr')[0]!
    assert.equal(long.value.length, DETAIL_MAX_CHARS)
    assert.ok(long.value.endsWith('…'))
  })
})
