import { useEffect, useState } from 'react';

/**
 * The answer of an engine query for `key` (null while it is asked, or after it failed: then
 * `error` says why). A new key asks again; an answer for an older key is dropped.
 */
export function useQuery<T>(
  key: string | null,
  ask: () => Promise<T>,
): { value: T | null; error: string | null } {
  const [state, setState] = useState<{ key: string; value: T | null; error: string | null }>();
  useEffect(() => {
    if (key === null) return;
    let live = true;
    ask().then(
      (value) => live && setState({ key, value, error: null }),
      (e: unknown) =>
        live && setState({ key, value: null, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => void (live = false);
    // `ask` is recreated every render; the key names what it asks.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state?.key === key
    ? { value: state.value, error: state.error }
    : { value: null, error: null };
}
