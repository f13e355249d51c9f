import { fillPlaceholders, hasStrayBraces, unknownPlaceholders, type PlaceholderValues } from '../../platform/templates/placeholders.js';

// A contract template is plain text with {{placeholders}}. Only the names below exist; anything
// else is refused when the template is saved, so a typo never reaches an adopter's contract.

/** Every placeholder a contract template may use, with what it becomes. */
export const contractPlaceholders = {
  dog_name: "The dog's name",
  dog_microchip: "The dog's microchip number",
  dog_breed: "The dog's breed(s)",
  dog_sex: "The dog's sex",
  adopter_name: "The adopter's full name",
  adopter_address: "The adopter's address",
  adopter_email: "The adopter's email address",
  adopter_phone: "The adopter's phone number",
  fee: 'The adoption fee',
  rescue_name: "The rescue's name",
  date: 'The date the contract was prepared (YYYY-MM-DD, UTC)',
} as const;

/** The values a contract is filled with. */
export type ContractValues = PlaceholderValues<typeof contractPlaceholders>;

/** Longest template accepted, in characters. */
export const maxTemplateLength = 20_000;

/** The template a rescue starts with until an admin saves its own. */
export const defaultContractTemplate = `ADOPTION AGREEMENT

This agreement is made on {{date}} between {{rescue_name}} ("the rescue") and {{adopter_name}} of {{adopter_address}} ("the adopter").

The dog
Name: {{dog_name}}
Sex: {{dog_sex}}
Breed: {{dog_breed}}
Microchip: {{dog_microchip}}
Adoption fee: {{fee}}

1. The adopter takes the dog into their home as a companion animal and will provide proper food, clean water, shelter, exercise, veterinary care and affection.
2. The adopter will keep the dog's microchip registration up to date with their own contact details.
3. The adopter will not sell, give away, breed from or abandon the dog. If the adopter can no longer keep the dog, they will contact the rescue first, and the rescue will take the dog back.
4. The adopter will comply with local laws on dog licensing, leashing and vaccination.
5. The adoption fee is not refundable; it supports the care of other dogs at the rescue.
6. The rescue has told the adopter everything it knows about the dog's health and behaviour, but cannot guarantee either.

By signing, the adopter confirms that they have read and agree to this agreement.`;

/** What is wrong with a template, as messages a person can act on; empty when it is fine. */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  const unknown = unknownPlaceholders(contractPlaceholders, template);
  if (unknown.length > 0) {
    const names = unknown.map((n) => `{{${n}}}`).join(', ');
    problems.push(`uses ${unknown.length === 1 ? 'an unknown placeholder' : 'unknown placeholders'}: ${names}. Use only the placeholders listed below.`);
  }
  if (hasStrayBraces(template)) problems.push('has a "{{" or "}}" that is not part of a placeholder: write placeholders as {{name}}.');
  return problems;
}

/** Fills a (valid) template; an unknown placeholder throws, since saving should have refused it. */
export function renderContract(template: string, values: ContractValues): string {
  return fillPlaceholders(contractPlaceholders, template, values, 'throw');
}

/** An adoption fee in words for the contract: "250.00", "No fee" or "As agreed with the rescue". */
export function contractFee(cents: number | null): string {
  if (cents === null) return 'As agreed with the rescue';
  if (cents === 0) return 'No fee';
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
