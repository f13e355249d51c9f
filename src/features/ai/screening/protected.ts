/**
 * Protected characteristics: an applicant review must never flag or reason on them. This is the
 * post-check every flag passes (model or rules): a reason, a concern or a rescue's own rule that
 * names one is dropped or refused. It errs towards dropping: a lost flag costs a staff member one
 * more read of the answers; a flag on a protected ground is discrimination.
 *
 * The words describe people, not dogs; terms that are ordinary for a dog's record ("female",
 * "senior", "anxiety") are caught only in phrases that can only be about a person.
 */
import { fold } from './text.js';

/** The characteristics, in the order the issue and fair-housing law list them. */
export const protectedCharacteristics = [
  'race', 'ethnicity', 'religion', 'national origin', 'sex', 'gender identity', 'sexual orientation',
  'disability', 'age', 'family or marital status', 'pregnancy',
] as const;

/** One of the characteristics. */
export type ProtectedCharacteristic = (typeof protectedCharacteristics)[number];

const w = (words: string) => `\\b(?:${words})\\b`;

const patterns: Array<[ProtectedCharacteristic, RegExp]> = [
  ['race', new RegExp(w("races?|racial(?:ly)?|racist|skin (?:colou?r|tone)|black (?:man|woman|men|women|person|people|family|applicant|neighbou?rhood)|white (?:man|woman|men|women|person|people|family|applicant|neighbou?rhood)|african[- ]american|caucasian|person of colou?r|people of colou?r|poc"), 'u')],
  ['ethnicity', new RegExp(w('ethnic(?:ity|ities|ally)?|hispanic|latin[aox]|asian|arab|romani|gypsy|gypsies|indigenous|aboriginal|native american|first nations|jewish (?:family|person|applicant)|tribe|tribal'), 'u')],
  ['religion', new RegExp(w('religio(?:n|ns|us)|faith|church(?:goer)?|mosque|synagogue|temple|christian|muslim|islam(?:ic)?|jew|jews|jewish|judaism|hindu|hinduism|buddhis[mt]|sikh|atheis[mt]|agnostic|catholic|protestant|mormon|pagan|wiccan|prays?|prayer|god-?fearing|sabbath|ramadan|halal|kosher'), 'u')],
  ['national origin', new RegExp(w("national(?:ity| origin)|immigra(?:nt|nts|tion)|migrants?|foreign(?:er|ers|-born)?|citizen(?:ship)?|visa|refugee|asylum|accent|ancestry|country of (?:birth|origin)|english (?:is not|isn't) (?:their|his|her) first language|non-native"), 'u')],
  ['sex', new RegExp(w("(?:the )?applicant(?:'s)? (?:sex|gender)|(?:a|the) (?:single )?(?:wom[ae]n|man|men|lady|ladies|guy|girl|boy)|(?:she|he) is a (?:wom[ae]n|man)|because (?:she|he) is|male applicant|female applicant|sexism|sexist"), 'u')],
  ['gender identity', new RegExp(w('gender(?: identity| expression)?|transgender|trans (?:man|woman|person|people)|non-?binary|genderqueer|gender-?fluid|pronouns?|cisgender|transition(?:ing|ed)? gender'), 'u')],
  ['sexual orientation', new RegExp(w('sexual(?:ity| orientation)|gay|lesbian|bisexual|homosexual|heterosexual|queer|lgbt\\w*|same-sex|straight couple'), 'u')],
  ['disability', new RegExp(w("disab(?:led|ility|ilities)|handicap(?:ped)?|wheelchair|blind(?:ness)?|deaf(?:ness)?|hard of hearing|autis(?:m|tic)|adhd|dyslexi[ac]|mental (?:illness|health|disorder)|mentally ill|depress(?:ed|ion)|bipolar|schizophreni[ac]|ptsd|chronic(?:ally)? ill(?:ness)?|impair(?:ed|ment)|medical condition|(?:his|her|their|the applicant's) (?:illness|health|diagnosis)|service (?:dog|animal) for|emotional support|on benefits|sick(?:ly)? applicant"), 'u')],
  ['age', new RegExp(w("(?:the )?applicant(?:'s)? age|(?:too|very) (?:old|young) (?:to|for)|elderly|pensioner|retiree|retired|old(?:er)? (?:man|woman|person|people|couple|applicant|lady|gentleman)|young (?:man|woman|person|couple|applicant|adult)|teenager|in (?:his|her|their) (?:[2-9]0s|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)|(?:he|she|they) (?:is|are) (?:\\d{2}|old|young)|aged \\d{2}|\\d{2}[- ]year[- ]old (?:man|woman|applicant|person)|age(?:ism|ist)"), 'u')],
  ['family or marital status', new RegExp(w("marri(?:ed|age)|marital|divorc(?:e|ed|ing)|widow(?:ed|er)?|(?:is|are|recently) separated|single (?:mother|mum|mom|father|dad|parent|applicant|person|man|woman)|unmarried|spouse|husband|wife|fianc[eé]e?|childless|no (?:kids|children) of (?:their|his|her) own|family status|(?:plans?|planning|wants?) (?:to have )?(?:kids|children|a family)|starting a family|custody|stepchild(?:ren)?|household composition"), 'u')],
  ['pregnancy', new RegExp(w('pregnan(?:t|cy|cies)|expecting a (?:baby|child)|baby on the way|due to give birth|maternity|paternity|trying to conceive|ivf|newborn on the way'), 'u')],
];

/** The protected characteristic `text` names, or null when it names none. */
export function namesProtectedCharacteristic(text: string): ProtectedCharacteristic | null {
  const folded = fold(text);
  for (const [name, re] of patterns) if (re.test(folded)) return name;
  return null;
}
