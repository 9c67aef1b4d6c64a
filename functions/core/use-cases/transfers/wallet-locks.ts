// Commits on one wallet are serialised inside a process: concurrent requests that would only
// defeat each other's optimistic condition (the wallet's version) wait their turn instead of
// retrying in a storm. Across processes (Lambda instances) the version condition and the
// jittered retry remain the guarantee; this only removes needless conflicts.

const tails = new Map<string, Promise<void>>();

async function lock(key: string): Promise<() => void> {
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const current = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => current);
  tails.set(key, tail);
  await previous;
  return () => {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  };
}

/** Runs `work` holding the locks of these wallets, taken in a fixed order (no deadlock). */
export async function withWalletLocks<T>(walletIds: (string | undefined)[], work: () => Promise<T>): Promise<T> {
  const ordered = [...new Set(walletIds.filter((id): id is string => !!id))].sort();
  const releases: (() => void)[] = [];
  try {
    for (const id of ordered) releases.push(await lock(id));
    return await work();
  } finally {
    for (const release of releases.reverse()) release();
  }
}
