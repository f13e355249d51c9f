/** A complete settings form, as the page posts it. */
export function settingsForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    name: 'Alpha Rescue', tagline: '', contact_email: '', phone: '', area: '', website: '', facebook: '', instagram: '', other_social: '', about: '',
    accent_colour: '#2f6f4f', time_zone: 'UTC', currency: 'EUR', locale: 'en-GB', fee_small: '', fee_medium: '', fee_large: '', fee_xl: '',
    ...overrides,
  };
}
