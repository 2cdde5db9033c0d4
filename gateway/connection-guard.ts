/**
 * Caps on open connections, in total and per remote address, shared by every
 * listener of one gateway: one misbehaving network cannot take the slots of
 * the rest of the fleet.
 */
export interface ConnectionGuard {
  /** Takes a slot, or says which cap refused it. */
  admit(address: string): 'ok' | 'max_connections' | 'max_per_address';
  release(address: string): void;
  readonly open: number;
}

export function createConnectionGuard(maxTotal: number, maxPerAddress: number): ConnectionGuard {
  const perAddress = new Map<string, number>();
  let open = 0;
  return {
    admit(address) {
      if (open >= maxTotal) return 'max_connections';
      const mine = perAddress.get(address) ?? 0;
      if (mine >= maxPerAddress) return 'max_per_address';
      perAddress.set(address, mine + 1);
      open++;
      return 'ok';
    },
    release(address) {
      const mine = perAddress.get(address) ?? 0;
      if (mine <= 1) perAddress.delete(address);
      else perAddress.set(address, mine - 1);
      open = Math.max(0, open - 1);
    },
    get open() {
      return open;
    },
  };
}
