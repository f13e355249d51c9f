import type { TenantRequest } from '../../platform/http/scopes.js';

type Size = 'small' | 'medium' | 'large' | 'xl';

/** The rescue's default adoption fee (cents) by dog size; a size without one is absent or null. */
export type DefaultFeesBySize = Partial<Record<Size, number | null>>;

/** Where the default fees come from (the settings feature's, wired in apps/routes.ts). */
export type DefaultFees = (request: TenantRequest) => Promise<DefaultFeesBySize>;

/** No defaults: a rescue that has set none, or a test without settings. */
export const noDefaultFees: DefaultFees = async () => ({});

/** A new dog's fee: what was typed, else its size's default, else none. */
export function feeForNewDog(typed: number | null, size: Size, defaults: DefaultFeesBySize): number | null {
  return typed ?? defaults[size] ?? null;
}
