// The planning feature's own words, merged into the app's resources under `planning`.
export const planningFr = {
  title: 'Planifier la campagne',
  intro:
    'Combien de temps pour appeler tous les ménages restants, ou combien d’appelants pour finir à temps. Une estimation, pas un engagement : elle s’affine avec les appels de la campagne.',
  callers: 'Nombre d’appelants',
  hoursPerWeek: 'Heures par semaine et par appelant',
  days: 'Finir en (jours)',
  daysHelp: 'Laissez vide pour seulement estimer la durée.',
  remaining_one: '{{count}} ménage restant à appeler, environ {{hours}} h d’appels.',
  remaining_other: '{{count}} ménages restant à appeler, environ {{hours}} h d’appels.',
  estimate:
    'Avec $t(units.callers, {"count": {{callers}} }) à {{hours}} h par semaine : environ $t(units.days, {"count": {{days}} }) ($t(units.weeks, {"count": {{weeksCount}}, "formatted": "{{weeks}}" })).',
  noHours: 'Aucune heure d’appel possible dans les créneaux de la campagne : impossible d’estimer.',
  requirement:
    'Pour finir en $t(units.days, {"count": {{days}} }) : $t(units.callers, {"count": {{callers}} }) à {{hours}} h par semaine.',
  impossible:
    'Impossible de finir en {{days}} jours, quel que soit le nombre d’appelants : la limite de fréquence des appels demande au moins {{minimum}} jours.',
  floor: 'Au plus tôt {{minimum}} jours : la limite de fréquence espace les tentatives d’un même ménage.',
  capped:
    'Les créneaux d’appel de la campagne ne couvrent que {{weekly}} h par semaine : chaque appelant est compté pour {{used}} h.',
  nothingLeft: 'Plus aucun ménage à appeler.',
  assumptions: 'Hypothèses',
  assumption: 'Hypothèse',
  value: 'Valeur',
  source: 'Source',
  observed: 'Observé ({{count}})',
  default: 'Par défaut',
  requested: 'Saisi',
  fromTeam: 'Équipe de la campagne',
  reachRate: 'Ménages joints',
  attemptsPerHousehold: 'Tentatives par ménage',
  conversationMinutes: 'Durée d’un entretien',
  wrapUpMinutes: 'Saisie après l’entretien',
  unansweredAttemptMinutes: 'Tentative sans réponse',
  minutes: '{{value}} min',
  percent: '{{value}} %',
  defaultsNote:
    'Valeurs par défaut : 30 % de chances de joindre à chaque tentative, entretien de 10 min, 3 min de saisie, 2 min par tentative sans réponse (30 tentatives à l’heure). Elles laissent la place aux valeurs observées dès 30 ménages terminés et 20 appels chronométrés.',
}

export const planningEn: typeof planningFr = {
  title: 'Plan the campaign',
  intro:
    'How long to call every remaining household, or how many callers to finish in time. An estimate, not a promise: it sharpens as the campaign’s calls come in.',
  callers: 'Number of callers',
  hoursPerWeek: 'Hours per week per caller',
  days: 'Finish in (days)',
  daysHelp: 'Leave empty to only estimate the duration.',
  remaining_one: '{{count}} household left to call, about {{hours}} h of calls.',
  remaining_other: '{{count}} households left to call, about {{hours}} h of calls.',
  estimate:
    'With $t(units.callers, {"count": {{callers}} }) at {{hours}} h a week: about $t(units.days, {"count": {{days}} }) ($t(units.weeks, {"count": {{weeksCount}}, "formatted": "{{weeks}}" })).',
  noHours: 'The campaign’s calling windows leave no hour to call: no estimate possible.',
  requirement:
    'To finish in $t(units.days, {"count": {{days}} }): $t(units.callers, {"count": {{callers}} }) at {{hours}} h a week.',
  impossible:
    'Cannot finish in {{days}} days whatever the team: the frequency cap on calls needs at least {{minimum}} days.',
  floor: 'At the earliest {{minimum}} days: the frequency cap spaces the attempts to one household.',
  capped: 'The campaign’s calling windows cover only {{weekly}} h a week: each caller counts for {{used}} h.',
  nothingLeft: 'No household left to call.',
  assumptions: 'Assumptions',
  assumption: 'Assumption',
  value: 'Value',
  source: 'Source',
  observed: 'Observed ({{count}})',
  default: 'Default',
  requested: 'Entered',
  fromTeam: 'Campaign’s team',
  reachRate: 'Households reached',
  attemptsPerHousehold: 'Attempts per household',
  conversationMinutes: 'Length of a conversation',
  wrapUpMinutes: 'Recording after the conversation',
  unansweredAttemptMinutes: 'Unanswered attempt',
  minutes: '{{value}} min',
  percent: '{{value}} %',
  defaultsNote:
    'Defaults: 30% chance to reach the household at each attempt, 10-minute conversation, 3 minutes of recording, 2 minutes per unanswered attempt (30 attempts an hour). The campaign’s own figures replace them from 30 finished households and 20 timed calls.',
}
