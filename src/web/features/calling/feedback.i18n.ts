// The caller's end-of-session questions, merged into the app's resources under `feedback`.
export const feedbackFr = {
  endSession: 'Terminer ma session',
  askDebrief: 'Demander un débriefing',
  title: 'Avant de partir',
  debriefTitle: 'Demander un débriefing',
  intro:
    'Deux questions facultatives, pour améliorer les prochaines campagnes. Vos réponses ne sont pas nominatives dans le bilan.',
  debriefIntro:
    'Un appel a été difficile ? Un·e encadrant·e reprendra contact avec vous. Dites-nous aussi comment s’est passée la session.',
  meaningful: 'Ces appels ont-ils eu du sens pour vous ?',
  useful: 'Ces appels vous ont-ils semblé utiles aux locataires ?',
  scale: { 1: '1 – pas du tout', 2: '2', 3: '3', 4: '4', 5: '5 – tout à fait' },
  comment: 'Un commentaire (facultatif)',
  commentHelp: 'Sans nom ni détail permettant de reconnaître un locataire.',
  debrief: 'Je souhaite un débriefing avec un·e encadrant·e',
  send: 'Envoyer',
  skip: 'Passer',
  required: 'Choisissez une note de 1 à 5.',
  thanks: 'Merci pour vos réponses et pour votre engagement.',
  thanksDebrief: 'Merci. Votre demande de débriefing a été transmise à vos encadrant·es.',
  ended: 'Session terminée. Merci pour votre aide, à bientôt !',
}

export const feedbackEn: typeof feedbackFr = {
  endSession: 'End my session',
  askDebrief: 'Ask for a debrief',
  title: 'Before you go',
  debriefTitle: 'Ask for a debrief',
  intro:
    'Two optional questions to improve the next campaigns. Your answers are not shown with your name in the review.',
  debriefIntro: 'Was a call hard? A supervisor will get in touch with you. Tell us how the session went, too.',
  meaningful: 'Did these calls feel meaningful to you?',
  useful: 'Did these calls seem useful to the tenants?',
  scale: { 1: '1 – not at all', 2: '2', 3: '3', 4: '4', 5: '5 – very much' },
  comment: 'A comment (optional)',
  commentHelp: 'No name and no detail that could identify a tenant.',
  debrief: 'I would like a debrief with a supervisor',
  send: 'Send',
  skip: 'Skip',
  required: 'Choose a rating from 1 to 5.',
  thanks: 'Thank you for your answers and your commitment.',
  thanksDebrief: 'Thank you. Your request for a debrief has been passed on to your supervisors.',
  ended: 'Session ended. Thank you for your help, see you soon!',
}
