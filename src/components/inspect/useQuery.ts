import { startTransition, useEffect, useState } from 'react';

/**
 * The answer of an engine query for `key` (null while it is asked, or after it failed: then
 * `error` says why). A new key asks again; an answer for an older key is dropped. An answer is
 * rendered as a transition: React renders it in short, interruptible slices, so a view with many
 * rows (a feature page's contexts) never holds the main thread in one long task.
 */
export function useQuery<T>(
  key: string | null,
  ask: () => Promise<T>,
): { value: T | null; error: string | null } {
  const [state, setState] = useState<{ key: string; value: T | null; error: string | null }>();
  useEffect(() => {
    if (key === null) return;
    let live = true;
    const settle = (value: T | null, error: string | null) =>
      live && startTransition(() => setState({ key, value, error }));
    ask().then(
      (value) => settle(value, null),
      (e: unknown) => settle(null, e instanceof Error ? e.message : String(e)),
    );
    return () => void (live = false);
    // `ask` is recreated every render; the key names what it asks.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state?.key === key
    ? { value: state.value, error: state.error }
    : { value: null, error: null };
}
