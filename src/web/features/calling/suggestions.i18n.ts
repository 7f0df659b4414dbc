/** Words of the detection suggestions in the caller's workspace (merged under `suggestions`). */
export const suggestionsFr = {
  title: 'Suggestions d’après les réponses',
  help: 'Les règles du questionnaire proposent ceci. Rien n’est appliqué sans vous : suivez ou écartez chaque suggestion, selon ce que vous avez entendu.',
  fragility: 'Niveau de fragilité suggéré : {{level}}',
  referral: 'Orientation suggérée : {{category}}, {{urgency}}',
  because: 'Parce que : {{reasons}}',
  follow: 'Suivre',
  decline: 'Écarter',
  choice: 'Votre choix',
  prepare: 'Préparer l’orientation',
  followedFragility: 'Niveau de fragilité mis à « {{level}} ».',
}

export const suggestionsEn: typeof suggestionsFr = {
  title: 'Suggestions from the answers',
  help: 'The questionnaire’s rules suggest this. Nothing is applied without you: follow or set aside each suggestion, from what you heard.',
  fragility: 'Suggested fragility level: {{level}}',
  referral: 'Suggested referral: {{category}}, {{urgency}}',
  because: 'Because: {{reasons}}',
  follow: 'Follow',
  decline: 'Set aside',
  choice: 'Your choice',
  prepare: 'Prepare the referral',
  followedFragility: 'Fragility level set to “{{level}}”.',
}
