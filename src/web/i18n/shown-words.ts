import { frenchTypography } from '../../shared/french.js'

/**
 * A text of the data (a questionnaire's question or option, an instrument's wording, a script, an FAQ) as the screen
 * shows it: the English wording when the interface is English and there is one, otherwise the French one set like
 * the interface's own words (`frenchTypography`: a narrow no-break space before ? ! ; and a no-break one before :, so
 * « chez vous ? » never breaks before its mark on a tablet). What is stored, what managers edit, and what is sent stay
 * as typed.
 */
export function shownWords(language: string, french: string, english?: string | null): string {
  return language === 'en' && english ? english : frenchTypography(french)
}
