// Commits on one wallet are serialised inside a process: concurrent requests that would only
// defeat each other's optimistic condition (the wallet's version) wait their turn instead of
// retrying in a storm. Across processes (Lambda instances) the version condition and the
// jittered retry remain the guarantee; this only removes needless conflicts.

const tails = new Map<string, Promise<void>>();

async function lock(key: string): Promise<{ release: () => void; waited: boolean }> {
  const queued = tails.get(key);
  const previous = queued ?? Promise.resolve();
  let release!: () => void;
  const current = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => current);
  tails.set(key, tail);
  await previous;
  return {
    waited: queued !== undefined,
    release: () => {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    },
  };
}

/**
 * Runs `work` holding the locks of these wallets, taken in a fixed order (no deadlock). `waited`:
 * another commit on one of them went first, so what was read before may be stale.
 */
export async function withWalletLocks<T>(
  walletIds: (string | undefined)[],
  work: (waited: boolean) => Promise<T>,
): Promise<T> {
  const ordered = [...new Set(walletIds.filter((id): id is string => !!id))].sort();
  const releases: (() => void)[] = [];
  let waited = false;
  try {
    for (const id of ordered) {
      const held = await lock(id);
      releases.push(held.release);
      waited ||= held.waited;
    }
    return await work(waited);
  } finally {
    for (const release of releases.reverse()) release();
  }
}
