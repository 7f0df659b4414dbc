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
