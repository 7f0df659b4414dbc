import type { ZxcvbnFactory } from '@zxcvbn-ts/core'
import { PASSWORD_MIN_LENGTH, PASSWORD_MIN_SCORE, type PasswordRefusalReason } from '../../../shared/contracts/users.js'
import { AppError } from '../../http/errors.js'

/** Why a password was refused, in plain words, with the estimator's advice in French when it has some. */
export interface PasswordRefusal {
  reason: PasswordRefusalReason
  message: string
  warning: string | null
  suggestions: string[]
}

interface Estimator {
  factory: ZxcvbnFactory
  french: { warnings: Record<string, string>; suggestions: Record<string, string> }
}

let estimator: Promise<Estimator> | undefined

/**
 * The strength estimator with the common, French and English dictionaries: about 10 MB of word lists, loaded on the
 * first check only (never at start-up, never in the web bundle) and kept for the life of the process.
 */
function loadEstimator(): Promise<Estimator> {
  estimator ??= (async () => {
    const [core, common, french, english] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-fr'),
      import('@zxcvbn-ts/language-en'),
    ])
    const factory = new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary, ...french.dictionary },
      graphs: common.adjacencyGraphs,
      // No translations: feedback comes back as keys, put into words below.
      // Only the first 64 characters are estimated, with few l33t substitutions: a check of a long password cost
      // seconds of blocked event loop otherwise (measured: 256 characters ≈ 5 s; 64 ≈ 0.2 s at most).
      // A prefix estimates no stronger than the whole password, so a password whose first 64 characters pass is strong.
      maxLength: 64,
      l33tMaxSubstitutions: 16,
    })
    return { factory, french: french.translations }
  })()
  estimator.catch(() => {
    estimator = undefined
  })
  return estimator
}

/** Lower case without accents: "Élodie" and "elodie" are the same name in a password. */
function normalize(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
}

/** The words of a name or address long enough to be telling (4 letters or more). */
function wordsOf(text: string): string[] {
  return normalize(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 4)
}

/**
 * Checks a password chosen for the account with this email and name, and says why it is refused, or null when it is
 * acceptable: at least PASSWORD_MIN_LENGTH characters, no part of the email address or of the name (4 letters or
 * more, accents and case ignored), and a score of at least PASSWORD_MIN_SCORE of 4 by zxcvbn-ts with the email and
 * the name as user inputs.
 */
export async function checkPassword(
  password: string,
  owner: { email: string; name: string },
): Promise<PasswordRefusal | null> {
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    return {
      reason: 'too_short',
      message: `The password must have at least ${PASSWORD_MIN_LENGTH} characters`,
      warning: null,
      suggestions: [],
    }
  }
  const flat = normalize(password)
  const compact = flat.replace(/[^\p{L}\p{N}]+/gu, '')
  const contains = (word: string) => flat.includes(word) || compact.includes(word)
  const localPart = owner.email.split('@')[0] ?? ''
  const compactLocalPart = normalize(localPart).replace(/[^\p{L}\p{N}]+/gu, '')
  if ((compactLocalPart.length >= 4 && contains(compactLocalPart)) || wordsOf(localPart).some(contains)) {
    return {
      reason: 'contains_email',
      message: 'The password must not contain the email address or a part of it',
      warning: null,
      suggestions: [],
    }
  }
  if (wordsOf(owner.name).some(contains)) {
    return {
      reason: 'contains_name',
      message: 'The password must not contain the name',
      warning: null,
      suggestions: [],
    }
  }

  const { factory, french } = await loadEstimator()
  const userInputs = [owner.email, localPart, owner.name, ...wordsOf(localPart), ...wordsOf(owner.name)]
  const result = factory.check(password, userInputs)
  if (result.score >= PASSWORD_MIN_SCORE) return null
  const warning = result.feedback.warning ? (french.warnings[result.feedback.warning] ?? null) : null
  const suggestions = result.feedback.suggestions
    .map((key) => french.suggestions[key])
    .filter((text): text is string => Boolean(text))
  const advice = [warning, ...suggestions].filter(Boolean).join(' ')
  return {
    reason: 'too_weak',
    message: `The password is too easy to guess (strength ${result.score} of 4, at least ${PASSWORD_MIN_SCORE} needed)${advice ? `: ${advice}` : ''}`,
    warning,
    suggestions,
  }
}

/** Throws VALIDATION_FAILED naming `password` and saying why, when the password is not acceptable (see checkPassword). */
export async function assertAcceptablePassword(password: string, owner: { email: string; name: string }) {
  const refusal = await checkPassword(password, owner)
  if (refusal) {
    throw new AppError('VALIDATION_FAILED', refusal.message, {
      field: 'password',
      reason: refusal.reason,
      warning: refusal.warning,
      suggestions: refusal.suggestions,
    })
  }
}
