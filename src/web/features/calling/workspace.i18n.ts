// The caller's fast path (outcome buttons, shortcut keys, chaining, timer), merged into the app's resources under
// `workspace`.
export const workspaceFr = {
  quick: {
    title: 'Issues rapides',
    chain: 'Enchaîner',
    chainHelp: 'Le ménage suivant s’affiche dès que l’issue est enregistrée.',
  },
  timer: {
    start: 'J’appelle',
    label: 'Durée de l’appel : {{elapsed}}',
  },
  shortcuts: {
    title: 'Raccourcis clavier',
    intro:
      'Ces touches enregistrent l’issue aussitôt, même pendant la saisie d’une note (vos notes sont enregistrées avec).',
    keys: 'Touches',
    action: 'Action',
    save: 'Enregistrer « {{outcome}} »',
    chain:
      'Avec « Enchaîner » activé, le ménage suivant s’affiche dès l’enregistrement : un appel sans réponse ne demande qu’une touche.',
    why: 'Alt+Maj laisse libres les touches des lecteurs d’écran et celles du navigateur (Alt+chiffre, Ctrl+chiffre).',
  },
}

export const workspaceEn: typeof workspaceFr = {
  quick: {
    title: 'Quick outcomes',
    chain: 'Chain calls',
    chainHelp: 'The next household shows as soon as the outcome is saved.',
  },
  timer: {
    start: 'I’m calling',
    label: 'Call duration: {{elapsed}}',
  },
  shortcuts: {
    title: 'Keyboard shortcuts',
    intro: 'These keys save the outcome at once, even while typing a note (your notes are saved with it).',
    keys: 'Keys',
    action: 'Action',
    save: 'Save “{{outcome}}”',
    chain: 'With “Chain calls” on, the next household shows as soon as the call is saved: a no-answer takes one key.',
    why: 'Alt+Shift leaves screen readers’ keys and the browser’s (Alt+digit, Ctrl+digit) alone.',
  },
}
