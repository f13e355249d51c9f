/**
 * Canaries: secrets and personal data in the shapes they take in alerts (a label value, a line of
 * prose in a summary, a connection string in a description, a query string in a runbook link).
 * Each has the text as written and the needles that must never reach anything outside: the canary
 * test sends them through `kona triage` and searches every captured request for every needle.
 */

/** One canary: how it is written and what must not arrive. */
export interface Canary {
  kind: string;
  text: string;
  needles: string[];
}

/** People and dogs the names file lists (the scrubber knows only these names). */
export const canaryNames = ['Margarethe Vollmer', 'Desmond Okafor', 'Siobhan Ní Bhriain', 'Biscuit', 'Pepperoni', 'Wolfgang Amadeus'];

const c = (kind: string, text: string, ...needles: string[]): Canary => ({ kind, text, needles: needles.length > 0 ? needles : [text] });

/** The corpus (at least 100). */
export const canaries: Canary[] = [
  // People and dogs, in the forms a log or a summary uses.
  c('name', 'Margarethe Vollmer', 'Margarethe', 'Vollmer'),
  c('name', 'adopter VOLLMER called', 'VOLLMER'),
  c('name', 'margarethe.vollmer', 'margarethe', 'vollmer'),
  c('name', 'foster Desmond Okafor', 'Desmond', 'Okafor'),
  c('name', "Okafor's dog", 'Okafor'),
  c('name', 'Siobhan Ní Bhriain', 'Siobhan', 'Bhriain'),
  c('name', 'dog Biscuit', 'Biscuit'),
  c('name', "Biscuit's vet visit", 'Biscuit'),
  c('name', 'pepperoni', 'pepperoni'),
  c('name', 'PEPPERONI (dog)', 'PEPPERONI'),
  c('name', 'Wolfgang Amadeus', 'Wolfgang', 'Amadeus'),
  c('name', 'user=okafor', 'okafor'),
  // Emails.
  c('email', 'margarethe@example.org'),
  c('email', 'contact: d.okafor+rescue@mail.example.co.uk', 'd.okafor+rescue@mail.example.co.uk'),
  c('email', 'to=fosters%40pawsrescue.example', 'fosters%40pawsrescue.example'),
  c('email', 'ADOPTIONS@SHELTER.EXAMPLE.NET'),
  c('email', '<owner-77@animals.example>', 'owner-77@animals.example'),
  // Phone numbers: bare, spaced, international, local.
  c('phone', '5558675309'),
  c('phone', 'call 555 867 5309', '555 867 5309', '5558675309'),
  c('phone', '+1 555 867 5309', '555 867 5309', '5558675309'),
  c('phone', '+44 7700 900123', '7700 900123', '7700900123'),
  c('phone', '+49 (0)30 1234567', '1234567'),
  c('phone', '(555) 234-5678', '234-5678', '2345678'),
  c('phone', '555-345-6789', '345-6789', '3456789'),
  c('phone', '07700 900456', '900456'),
  c('phone', '030-98765432', '98765432'),
  c('phone', '06 12 34 56 78', '12 34 56 78', '12345678'),
  c('phone', '+33612345679', '612345679'),
  c('phone', 'tel:+4915112345678', '15112345678'),
  c('phone', '12025550143', '2025550143'),
  c('phone', '+31 20 794 6091', '794 6091', '7946091'),
  // Passwords and secrets in prose.
  c('secret', 'the password is hunter2', 'hunter2'),
  c('secret', 'Password: correcthorsebattery', 'correcthorsebattery'),
  c('secret', 'db password was Sommer2026!', 'Sommer2026!'),
  c('secret', 'api key: ak_9fJ2kQ7xLm', 'ak_9fJ2kQ7xLm'),
  c('secret', 'API-Key = zz1137abcqq', 'zz1137abcqq'),
  c('secret', 'the token is tok3n-v4lue-xyz', 'tok3n-v4lue-xyz'),
  c('secret', 'secret: mellon-friend', 'mellon-friend'),
  c('secret', 'PIN was 493817', '493817'),
  c('secret', 'passphrase set to "blue canary sings"', 'blue canary'),
  c('secret', 'access key is Q9wErTy7', 'Q9wErTy7'),
  c('secret', 'credentials were admin123', 'admin123'),
  c('secret', 'the passwords are tr1cky and s3cond', 'tr1cky'),
  // Secrets in fields, headers, URLs.
  c('secret', 'password=Winter2026#', 'Winter2026'),
  c('secret', 'PGPASSWORD=pgS3cretVal', 'pgS3cretVal'),
  c('secret', '"db_password":"quux-pass-991"', 'quux-pass-991'),
  c('secret', "api_key='abcdef-sk-778'", 'abcdef-sk-778'),
  c('secret', 'X-Api-Key: kkey-55aa-99bb', 'kkey-55aa-99bb'),
  c('secret', 'Authorization: Bearer abc.def.ghi-123456', 'abc.def.ghi-123456'),
  c('secret', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA'),
  c('secret', 'postgres://kona:Sup3rS3cret@db.internal:5432/kona', 'Sup3rS3cret'),
  c('secret', 'redis://:r3d1sPw@redis:6379', 'r3d1sPw'),
  c('secret', 'https://hooks.example.net/in?token=hk_live_77aa88', 'hk_live_77aa88'),
  c('secret', 'session_id=s%3AKk9xQ2', 'Kk9xQ2'),
  c('secret', 'cookie: sid=8a7b6c5d4e3f2a1b', '8a7b6c5d4e3f2a1b'),
  c('secret', 'client_secret: cs-0d9e8f7a6b', 'cs-0d9e8f7a6b'),
  // Known token formats.
  c('secret', 'AKIAIOSFODNN7EXAMPLE'),
  c('secret', 'ghp_Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2'),
  c('secret', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv'),
  c('secret', 'xoxb-2222222222-3333333333-QwErTyUiOpAsDfGh'),
  c('secret', 'sk_live_51HxYz0123456789abcdefGH'),
  c('secret', 'sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12'),
  c('secret', 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'),
  c('secret', 'glpat-xY1zW2vU3tS4rQ5pO6nM'),
  c('secret', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.c2lnbmF0dXJlLXZhbHVl', 'eyJhbGciOiJIUzI1NiJ9', 'c2lnbmF0dXJlLXZhbHVl'),
  // Long hex and base64 tokens standing alone.
  c('secret', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'),
  c('secret', 'token 3c6e0b8a9c15224a8228b9a98ca1531d', '3c6e0b8a9c15224a8228b9a98ca1531d'),
  c('secret', 'DEADBEEF00112233445566778899AABBCCDDEEFF'),
  c('secret', 'b3JkZXIgbnVtYmVyIDQyIGZvciBqYW5l'),
  c('secret', 'q83vEjRWeJA1x9Zk2LmPq7Rs='),
  c('secret', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
  c('secret', 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA=='),
  c('secret', 'kP3_xY9-wQ2zR7tU5vB8nM1cL4'),
  c('secret', 'dGhlIHBhc3N3b3JkIGlzIGh1bnRlcjI=', 'dGhlIHBhc3N3b3JkIGlzIGh1bnRlcjI'),
  c('private-key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx7c9Q==\n-----END RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAx7c9Q'),
  c('private-key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAA'),
  // IBANs and cards.
  c('iban', 'DE89370400440532013000'),
  c('iban', 'DE89 3704 0044 0532 0130 00', '0532 0130', '0532013000'),
  c('iban', 'GB29NWBK60161331926819'),
  c('iban', 'GB29 NWBK 6016 1331 9268 19', '1331 9268', '13319268'),
  c('iban', 'FR1420041010050500013M02606'),
  c('iban', 'NL91ABNA0417164300'),
  c('iban', 'iban: CH9300762011623852957', 'CH9300762011623852957'),
  c('card', '4111111111111111'),
  c('card', '4111 1111 1111 1111', '1111 1111 1111', '111111111111'),
  c('card', '5500-0000-0000-0004', '0000-0000-0004', '000000000004'),
  c('card', '378282246310005'),
  c('card', '6011 1111 1111 1117', '1111 1111 1117', '111111111117'),
  c('card', 'card 5105105105105100', '5105105105105100'),
  // Street addresses.
  c('address', '221B Baker Street', 'Baker Street'),
  c('address', '742 Evergreen Terrace', 'Evergreen Terrace'),
  c('address', '1600 Pennsylvania Ave', 'Pennsylvania Ave'),
  c('address', '12 Oak Lane', 'Oak Lane'),
  c('address', '4 Privet Dr.', 'Privet Dr'),
  c('address', 'Hauptstraße 5', 'Hauptstraße 5'),
  c('address', 'Musterweg 12a', 'Musterweg 12a'),
  c('address', 'Lindenallee 3', 'Lindenallee 3'),
  c('address', '10 Downing St', 'Downing St'),
  c('address', '350 Fifth Avenue', 'Fifth Avenue'),
  // Public client IPs (personal data in access logs).
  c('ip', '203.0.113.77'),
  c('ip', 'client 198.51.100.23:51234', '198.51.100.23'),
  c('ip', '2001:db8:85a3::8a2e:370:7334'),
  c('ip', 'X-Forwarded-For: 81.2.69.160', '81.2.69.160'),
  // URL-encoded (a query string, a logged request path): decoded before scrubbing.
  c('phone', 'GET /callback?tel=%2B49%20151%2087654321', '87654321'),
  c('phone', 'q=call%20555%20867%205309', '867%205309', '867 5309', '8675309'),
  c('phone', 'contact=%2B44+7700+900789', '900789'),
  c('secret', 'search?q=the%20password%20is%20hunter7', 'hunter7'),
  c('secret', 'next=%2Fcallback%3Ftoken%3Dc2VjcmV0LXRva2VuLXZhbHVlLTEyMzQ1Ng', 'c2VjcmV0LXRva2VuLXZhbHVlLTEyMzQ1Ng'),
  c('secret', 'redirect=%2Flogin%253Fpassword%253Dsw0rdfish42', 'sw0rdfish42'),
  c('iban', 'pay?iban=DE89%203704%200044%200532%200130%2000', '0532%200130', '0532 0130', '05320130'),
  c('address', 'addr=221B%20Baker%20Street', 'Baker%20Street', 'Baker Street'),
];
