/** The mails of accounts people manage themselves, French first then English (the account's locale picks). */
import { formatInstant } from '../../../shared/clock.js'

interface LinkMail {
  name: string
  link: string
  expiresAt: string
  locale: string
}

export function invitationMail(mail: LinkMail & { organizationName: string }) {
  const until = formatInstant(mail.expiresAt, mail.locale === 'en' ? 'en' : 'fr', { date: 'long' })
  if (mail.locale === 'en') {
    return {
      subject: 'Allervers: your invitation',
      body: `Hello ${mail.name},\n\nYou are invited to join Allervers (${mail.organizationName}).\nChoose your password with this link, valid until ${until} (Paris time):\n${mail.link}\n\nIf you were not expecting this message, ignore it: nothing happens without the link.\n`,
    }
  }
  return {
    subject: 'Allervers : votre invitation',
    body: `Bonjour ${mail.name},\n\nVous êtes invité·e à rejoindre Allervers (${mail.organizationName}).\nChoisissez votre mot de passe avec ce lien, valable jusqu’au ${until} (heure de Paris) :\n${mail.link}\n\nSi vous n’attendiez pas ce message, ignorez-le : rien ne se passe sans le lien.\n`,
  }
}

export function passwordResetMail(mail: LinkMail) {
  const until = formatInstant(mail.expiresAt, mail.locale === 'en' ? 'en' : 'fr')
  if (mail.locale === 'en') {
    return {
      subject: 'Allervers: choose a new password',
      body: `Hello ${mail.name},\n\nSomeone asked to reset the password of your Allervers account. To choose a new one, follow this link, valid until ${until} (Paris time), once:\n${mail.link}\n\nIf you did not ask for it, ignore this message: your password stays as it is.\n`,
    }
  }
  return {
    subject: 'Allervers : choisir un nouveau mot de passe',
    body: `Bonjour ${mail.name},\n\nQuelqu’un a demandé à réinitialiser le mot de passe de votre compte Allervers. Pour en choisir un nouveau, suivez ce lien, valable une fois jusqu’au ${until} (heure de Paris) :\n${mail.link}\n\nSi vous n’avez rien demandé, ignorez ce message : votre mot de passe reste le même.\n`,
  }
}

type Providers = { organizationName: string; isEnabled: boolean }[]

/** Where an account that signs in through its organisation's provider signs in, as a mail says it. */
function providerSignIn(locale: string, providers: Providers) {
  const enabled = providers.filter((provider) => provider.isEnabled).map((provider) => provider.organizationName)
  const names = providers.map((provider) => provider.organizationName).join(', ')
  if (locale === 'en') {
    return {
      names,
      how: enabled.length
        ? `On the Allervers sign-in page, choose « Se connecter avec ${enabled.join(' » or « Se connecter avec ')} » and sign in with your organisation's usual account. If you have lost that password, your organisation's IT service resets it, not Allervers.`
        : `Your organisation's single sign-on (${names}) is switched off at the moment: ask its Allervers administrator.`,
    }
  }
  return {
    names,
    how: enabled.length
      ? `Sur la page de connexion d’Allervers, choisissez « Se connecter avec ${enabled.join(' » ou « Se connecter avec ')} » et connectez-vous avec le compte habituel de votre organisme. Si vous avez perdu ce mot de passe-là, c’est le service informatique de votre organisme qui le réinitialise, pas Allervers.`
      : `La connexion unique de votre organisme (${names}) est désactivée pour le moment : adressez-vous à son administrateur Allervers.`,
  }
}

/**
 * What a reset request sends to an account that signs in through its organisation's provider: no link (a password
 * would not open it), but where to sign in instead.
 */
export function providerSignInMail(mail: { name: string; locale: string; providers: Providers }) {
  const { names, how } = providerSignIn(mail.locale, mail.providers)
  if (mail.locale === 'en') {
    return {
      subject: 'Allervers: how to sign in',
      body: `Hello ${mail.name},\n\nSomeone asked to reset the password of your Allervers account. Your account does not sign in with an Allervers password: you sign in through your organisation's single sign-on (${names}).\n${how}\n\nIf you did not ask for anything, ignore this message: nothing has changed.\n`,
    }
  }
  return {
    subject: 'Allervers : comment vous connecter',
    body: `Bonjour ${mail.name},\n\nQuelqu’un a demandé à réinitialiser le mot de passe de votre compte Allervers. Votre compte ne se connecte pas avec un mot de passe Allervers : vous vous connectez par la connexion unique de votre organisme (${names}).\n${how}\n\nSi vous n’avez rien demandé, ignorez ce message : rien n’a changé.\n`,
  }
}

/**
 * An invitation to an organisation that requires its single sign-on: no link to choose a password (none would open
 * it), but the address of Allervers and where to sign in.
 */
export function providerInvitationMail(mail: {
  name: string
  locale: string
  organizationName: string
  appUrl: string
  providers: Providers
}) {
  const { how } = providerSignIn(mail.locale, mail.providers)
  if (mail.locale === 'en') {
    return {
      subject: 'Allervers: your invitation',
      body: `Hello ${mail.name},\n\nYou are invited to join Allervers (${mail.organizationName}): ${mail.appUrl}\nYou have no password to choose: your organisation's single sign-on opens it.\n${how}\n\nIf you were not expecting this message, ignore it.\n`,
    }
  }
  return {
    subject: 'Allervers : votre invitation',
    body: `Bonjour ${mail.name},\n\nVous êtes invité·e à rejoindre Allervers (${mail.organizationName}) : ${mail.appUrl}\nVous n’avez pas de mot de passe à choisir : la connexion unique de votre organisme vous l’ouvre.\n${how}\n\nSi vous n’attendiez pas ce message, ignorez-le.\n`,
  }
}
