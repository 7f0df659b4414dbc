import { labelsIn } from '../../../shared/labels.js'

// The sensitive-flags feature's own words, merged into the app's resources under `sensitiveFlags`.
export const sensitiveFlagsFr = {
  title: 'Notes signalées comme sensibles',
  intro:
    'Textes libres enregistrés alors qu’ils contenaient des mots de santé, d’infractions, de religion, d’origine, de vie sexuelle ou d’opinions politiques. Le texte n’est jamais recopié ici : seulement où, quand, par qui et pour quel ménage.',
  category: labelsIn('sensitiveCategory', 'fr'),
  source: labelsIn('sensitiveFlagSource', 'fr'),
  countsLabel: 'Nombre de textes signalés par catégorie',
  total_one: '{{count}} texte signalé',
  total_other: '{{count}} textes signalés',
  empty: 'Aucun texte signalé sur cette période.',
  filters: { category: 'Catégorie', source: 'Où', from: 'Du', to: 'Au', all: 'Toutes' },
  columns: { at: 'Le', source: 'Où', category: 'Catégorie', author: 'Par', household: 'Ménage' },
  caption: 'Textes signalés, du plus récent au plus ancien',
  householdLink: 'Ménage {{ref}}',
  noHousehold: 'Aucun (session d’appel)',
  pagination: 'Pages des textes signalés',
  previous: 'Précédents',
  next: 'Suivants',
  page: 'Lignes {{from}} à {{to}} sur {{total}}',
}

export const sensitiveFlagsEn: typeof sensitiveFlagsFr = {
  title: 'Notes flagged as sensitive',
  intro:
    'Free texts saved although they held words of health, offences, religion, origin, sexual life or political opinions. The text is never copied here: only where, when, by whom and for which household.',
  category: labelsIn('sensitiveCategory', 'en'),
  source: labelsIn('sensitiveFlagSource', 'en'),
  countsLabel: 'Flagged texts by category',
  total_one: '{{count}} flagged text',
  total_other: '{{count}} flagged texts',
  empty: 'No flagged text over this period.',
  filters: { category: 'Category', source: 'Where', from: 'From', to: 'To', all: 'All' },
  columns: { at: 'On', source: 'Where', category: 'Category', author: 'By', household: 'Household' },
  caption: 'Flagged texts, latest first',
  householdLink: 'Household {{ref}}',
  noHousehold: 'None (calling session)',
  pagination: 'Pages of flagged texts',
  previous: 'Previous',
  next: 'Next',
  page: 'Rows {{from}} to {{to}} of {{total}}',
}
