// « Mon compte »: the account feature's own words, merged into the app's resources under `account`.
export const accountFr = {
  title: 'Mon compte',
  sessions: {
    title: 'Mes sessions',
    intro:
      'Les appareils sur lesquels vous êtes connecté·e. Si vous n’en reconnaissez pas un, mettez-y fin et changez votre mot de passe.',
    device: 'Appareil',
    started: 'Ouverte le',
    lastSeen: 'Dernière activité',
    actions: 'Actions',
    current: 'Cette session',
    unknownBrowser: 'Navigateur inconnu',
    unknownSystem: 'système inconnu',
    on: '{{browser}} sur {{system}}',
    openedThrough: 'Par la connexion unique de {{organization}}',
    end: 'Mettre fin',
    endLabel: 'Mettre fin à la session {{device}} ouverte le {{started}}',
    endCurrent: 'Me déconnecter ici',
    ended: 'La session a pris fin.',
    none: 'Aucune session ouverte.',
    introSso:
      'Les appareils sur lesquels vous êtes connecté·e. Si vous n’en reconnaissez pas un, mettez-y fin et prévenez le service informatique de votre organisme.',
  },
  sso: {
    title: 'Ma connexion',
    body: 'Vous vous connectez avec la connexion unique de votre organisme ({{organizations}}) : votre mot de passe et votre double authentification se gèrent chez lui.',
  },
  password: {
    title: 'Mon mot de passe',
    intro: 'Pour le changer, saisissez l’actuel puis le nouveau. Vos autres sessions prendront fin.',
    current: 'Mot de passe actuel',
    next: 'Nouveau mot de passe',
    confirm: 'Nouveau mot de passe, encore une fois',
    hint: '{{count}} caractères au moins, difficile à deviner, sans votre nom ni votre adresse e-mail. Une phrase de quelques mots fait très bien l’affaire.',
    mismatch: 'Les deux mots de passe ne sont pas identiques.',
    wrongCurrent: 'Le mot de passe actuel n’est pas le bon.',
    submit: 'Changer mon mot de passe',
    changed: 'Votre mot de passe est changé. Vos autres sessions ont pris fin.',
    rateLimited: 'Trop de tentatives. Réessayez dans $t(units.minutes, {"count": {{minutes}} }).',
  },
  forgot: {
    link: 'Mot de passe oublié ?',
    title: 'Mot de passe oublié',
    intro:
      'Saisissez l’adresse e-mail de votre compte : si elle en a un, vous y recevrez un lien pour choisir un nouveau mot de passe, valable une heure.',
    email: 'Adresse e-mail',
    submit: 'Recevoir un lien',
    sent: 'Si cette adresse a un compte, un lien pour choisir un nouveau mot de passe vient d’y être envoyé. Pensez à regarder dans les indésirables.',
    rateLimited: 'Trop de demandes depuis votre connexion. Réessayez dans $t(units.minutes, {"count": {{minutes}} }).',
    back: 'Retour à la connexion',
  },
  link: {
    invitationTitle: 'Bienvenue sur Allervers',
    invitationIntro: 'Bonjour {{name}}, choisissez le mot de passe de votre compte ({{email}}).',
    resetTitle: 'Choisir un nouveau mot de passe',
    resetIntro: 'Bonjour {{name}}, choisissez un nouveau mot de passe pour votre compte ({{email}}).',
    submit: 'Enregistrer mon mot de passe',
    done: 'Votre mot de passe est enregistré. Vous pouvez vous connecter.',
    signIn: 'Se connecter',
    checking: 'Vérification du lien…',
    broken: {
      expired: 'Ce lien a expiré. Demandez-en un nouveau.',
      used: 'Ce lien a déjà servi. Demandez-en un nouveau si besoin.',
      unknown: 'Ce lien ne fonctionne pas. Vérifiez qu’il est complet, ou demandez-en un nouveau.',
    },
    askAgain: 'Demander un nouveau lien',
    sso: {
      title: 'Ce compte se connecte avec votre organisme',
      body: 'Depuis l’envoi de ce lien, votre compte se connecte avec la connexion unique de votre organisme : il n’a plus de mot de passe Allervers à choisir.',
      use: 'Sur la page de connexion, choisissez {{choices}}.',
      choice: '« {{label}} »',
      off: 'Cette connexion unique est désactivée pour le moment : demandez à l’administrateur de votre organisme.',
      toSignIn: 'Aller à la page de connexion',
    },
  },
  invite: {
    title: 'Inviter par e-mail',
    intro:
      'La personne reçoit un lien pour choisir elle-même son mot de passe, valable quelques jours. Personne d’autre ne le connaît.',
    name: 'Nom',
    email: 'Adresse e-mail',
    organization: 'Organisme',
    role: 'Rôle',
    submit: 'Envoyer l’invitation',
    sent: 'Invitation envoyée à {{email}}, valable jusqu’au {{until}}.',
    sentSso:
      'Invitation envoyée à {{email}} : cet organisme exige sa connexion unique, la personne se connectera par son organisme, sans mot de passe Allervers.',
    membership: '{{email}} a déjà un compte : le rôle lui est ajouté, sans nouvelle invitation.',
  },
  admin: {
    status: 'État',
    active: 'Actif',
    disabled: 'Désactivé',
    disable: 'Désactiver',
    enable: 'Réactiver',
    disableLabel: 'Désactiver le compte de {{name}}',
    enableLabel: 'Réactiver le compte de {{name}}',
    confirmDisableTitle: 'Désactiver le compte de {{name}} ?',
    confirmDisable:
      '{{name}} ne pourra plus se connecter, et ses sessions prennent fin tout de suite, sur tous les serveurs. Vous pourrez réactiver le compte plus tard.',
    confirmEnableTitle: 'Réactiver le compte de {{name}} ?',
    confirmEnable: '{{name}} pourra de nouveau se connecter avec son mot de passe.',
    cancel: 'Annuler',
    doneDisabled: 'Le compte de {{name}} est désactivé.',
    doneEnabled: 'Le compte de {{name}} est réactivé.',
    otherNetwork:
      'Ce compte travaille aussi dans un autre réseau : retirez-le de vos organismes plutôt que de le désactiver.',
    otherNetworkMfa: 'Seuls les administrateurs de son autre réseau peuvent réinitialiser sa double authentification.',
    remove: 'Retirer de l’organisme',
    signIn: {
      provider: 'Par la connexion unique de l’organisme',
      awaiting_provider:
        'Connexion unique obligatoire : n’accède à cet organisme qu’après s’être connecté·e une fois par elle',
    },
    removeLabel: 'Retirer de l’organisme {{organization}} : {{name}}, {{role}}',
    confirmRemoveTitle: 'Retirer {{name}} de {{organization}} ?',
    confirmRemove:
      '{{name}} n’aura plus le rôle « {{role}} » dans {{organization}}, tout de suite, sur tous les serveurs. Ses autres organismes ne changent pas.',
    confirmRemoveLast:
      'C’est son dernier organisme : son compte sera aussi désactivé. Pour le faire revenir, l’exploitant de l’instance lui redonne un rôle (allervers users add), puis vous réactivez le compte.',
    confirmRemoveProvider:
      'Cette personne se connecte par la connexion unique de l’organisme : tant que son fournisseur la place dans un groupe associé à un rôle, elle retrouvera cet organisme à sa prochaine connexion. Retirez-la aussi de ce groupe chez le fournisseur.',
    doneRemoved: '{{name}} est retiré·e de {{organization}}.',
    doneRemovedProvider:
      'Pensez aussi à son groupe chez le fournisseur : sinon, sa prochaine connexion unique lui redonnera cet organisme.',
    doneRemovedDisabled: '{{name}} est retiré·e de {{organization}}. Sans autre organisme, son compte est désactivé.',
    conflict: {
      other_network:
        'Ce compte travaille aussi dans un autre réseau : retirez-le de vos organismes plutôt que de le désactiver.',
      own_last_admin:
        'C’est votre dernier rôle d’administrateur·rice de ce réseau : demandez à un autre administrateur de vous retirer.',
    },
  },
}

export const accountEn: typeof accountFr = {
  title: 'My account',
  sessions: {
    title: 'My sessions',
    intro: 'The devices you are signed in on. If you do not recognise one, end it and change your password.',
    device: 'Device',
    started: 'Started',
    lastSeen: 'Last active',
    actions: 'Actions',
    current: 'This session',
    unknownBrowser: 'Unknown browser',
    unknownSystem: 'unknown system',
    on: '{{browser}} on {{system}}',
    openedThrough: 'Through the single sign-on of {{organization}}',
    end: 'End',
    endLabel: 'End the session {{device}} started {{started}}',
    endCurrent: 'Sign out here',
    ended: 'The session has ended.',
    none: 'No open session.',
    introSso:
      'The devices you are signed in on. If you do not recognise one, end it and tell your organisation’s IT department.',
  },
  sso: {
    title: 'How I sign in',
    body: 'You sign in with your organisation’s single sign-on ({{organizations}}): your password and your two-step verification are managed there.',
  },
  password: {
    title: 'My password',
    intro: 'To change it, type the current one then the new one. Your other sessions will end.',
    current: 'Current password',
    next: 'New password',
    confirm: 'New password, once more',
    hint: 'At least {{count}} characters, hard to guess, without your name or email address. A sentence of a few words does very well.',
    mismatch: 'The two passwords are not the same.',
    wrongCurrent: 'The current password is not right.',
    submit: 'Change my password',
    changed: 'Your password is changed. Your other sessions have ended.',
    rateLimited: 'Too many attempts. Try again in $t(units.minutes, {"count": {{minutes}} }).',
  },
  forgot: {
    link: 'Forgot your password?',
    title: 'Forgotten password',
    intro:
      'Type the email address of your account: if it has one, you will receive there a link to choose a new password, valid for an hour.',
    email: 'Email address',
    submit: 'Send me a link',
    sent: 'If this address has an account, a link to choose a new password has just been sent to it. Check your spam folder too.',
    rateLimited: 'Too many requests from your connection. Try again in $t(units.minutes, {"count": {{minutes}} }).',
    back: 'Back to sign in',
  },
  link: {
    invitationTitle: 'Welcome to Allervers',
    invitationIntro: 'Hello {{name}}, choose the password of your account ({{email}}).',
    resetTitle: 'Choose a new password',
    resetIntro: 'Hello {{name}}, choose a new password for your account ({{email}}).',
    submit: 'Save my password',
    done: 'Your password is saved. You can sign in.',
    signIn: 'Sign in',
    checking: 'Checking the link…',
    broken: {
      expired: 'This link has expired. Ask for a new one.',
      used: 'This link has already been used. Ask for a new one if needed.',
      unknown: 'This link does not work. Check that it is complete, or ask for a new one.',
    },
    askAgain: 'Ask for a new link',
    sso: {
      title: 'This account signs in with your organisation',
      body: 'Since this link was sent, your account signs in with your organisation’s single sign-on: it no longer has an Allervers password to choose.',
      use: 'On the sign-in page, choose {{choices}}.',
      choice: '“{{label}}”',
      off: 'This single sign-on is switched off for now: ask your organisation’s administrator.',
      toSignIn: 'Go to the sign-in page',
    },
  },
  invite: {
    title: 'Invite by email',
    intro: 'The person receives a link to choose their own password, valid for a few days. Nobody else knows it.',
    name: 'Name',
    email: 'Email address',
    organization: 'Organisation',
    role: 'Role',
    submit: 'Send the invitation',
    sent: 'Invitation sent to {{email}}, valid until {{until}}.',
    sentSso:
      'Invitation sent to {{email}}: this organisation requires its single sign-on, the person will sign in through their organisation, without an Allervers password.',
    membership: '{{email}} already has an account: the role is added, without a new invitation.',
  },
  admin: {
    status: 'Status',
    active: 'Active',
    disabled: 'Disabled',
    disable: 'Disable',
    enable: 'Enable',
    disableLabel: 'Disable the account of {{name}}',
    enableLabel: 'Enable the account of {{name}}',
    confirmDisableTitle: 'Disable the account of {{name}}?',
    confirmDisable:
      '{{name}} will no longer be able to sign in, and their sessions end at once, on every server. You can enable the account again later.',
    confirmEnableTitle: 'Enable the account of {{name}}?',
    confirmEnable: '{{name}} will be able to sign in again with their password.',
    cancel: 'Cancel',
    doneDisabled: 'The account of {{name}} is disabled.',
    doneEnabled: 'The account of {{name}} is enabled.',
    otherNetwork:
      'This account also works in another network: remove it from your organisations rather than disabling it.',
    otherNetworkMfa: 'Only the administrators of its other network can reset its two-step verification.',
    remove: 'Remove from the organisation',
    signIn: {
      provider: 'Through the organisation’s single sign-on',
      awaiting_provider: 'Single sign-on required: reaches this organisation only after signing in through it once',
    },
    removeLabel: 'Remove from the organisation {{organization}}: {{name}}, {{role}}',
    confirmRemoveTitle: 'Remove {{name}} from {{organization}}?',
    confirmRemove:
      '{{name}} will no longer have the role “{{role}}” in {{organization}}, at once, on every server. Their other organisations do not change.',
    confirmRemoveLast:
      'This is their last organisation: their account will be disabled too. To bring them back, the instance’s operator gives them a role again (allervers users add), then you enable the account.',
    confirmRemoveProvider:
      'This person signs in through the organisation’s single sign-on: as long as their provider puts them in a group mapped to a role, they will get this organisation back at their next sign-in. Remove them from that group at the provider too.',
    doneRemoved: '{{name}} is removed from {{organization}}.',
    doneRemovedProvider:
      'Remember their group at the provider too: otherwise their next single sign-on gives them this organisation back.',
    doneRemovedDisabled:
      '{{name}} is removed from {{organization}}. With no other organisation, their account is disabled.',
    conflict: {
      other_network:
        'This account also works in another network: remove it from your organisations rather than disabling it.',
      own_last_admin: 'This is your last administrator role in this network: ask another administrator to remove you.',
    },
  },
}
