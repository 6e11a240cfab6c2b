import { startTransition, useEffect, useState } from 'react';

/**
 * Progressive mounting: returns 1, then 2, … up to n, one step per macrotask after each commit,
 * starting again at 1 whenever `key` changes. A view made of n heavy sections renders the first
 * at once and the others in later tasks, so no single main-thread task has to build them all
 * (the page must stay responsive, < 100 ms per task, while the engine works).
 */
export function useStages(key: unknown, n: number): number {
  const [state, setState] = useState({ key, stage: 1 });
  const stage = state.key === key ? state.stage : 1;
  useEffect(() => {
    if (stage >= n) return;
    // A transition: React builds the next section's DOM in interruptible slices.
    const t = setTimeout(() => startTransition(() => setState({ key, stage: stage + 1 })), 0);
    return () => clearTimeout(t);
  }, [key, stage, n]);
  return stage;
}
