import { normaliseEmail, type KeyRing } from '../../platform/crypto/keyring.js';

/** The keyed hash a vet's email is found by (one account per email). */
export function vetEmailHash(keyRing: KeyRing, email: string): string {
  return keyRing.blindIndex(`vet-email:${normaliseEmail(email)}`);
}

/** A licence number as compared: upper case, without spaces, dashes or dots. */
export function normaliseLicence(licence: string): string {
  return licence.normalize('NFKC').toUpperCase().replace(/[\s.\-/]/g, '');
}

/** The keyed hash a vet's licence number is found by (one account per licence). */
export function vetLicenceHash(keyRing: KeyRing, licence: string): string {
  return keyRing.blindIndex(`vet-licence:${normaliseLicence(licence)}`);
}

/** A microchip number as compared: digits only. */
export function normaliseMicrochip(chip: string): string {
  return chip.replace(/\D/g, '');
}

/** The keyed hash a searched microchip is recorded by in the audit log (never the number itself). */
export function microchipHash(keyRing: KeyRing, chip: string): string {
  return keyRing.blindIndex(`microchip:${normaliseMicrochip(chip)}`);
}
