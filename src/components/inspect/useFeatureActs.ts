import { startTransition, useEffect, useState } from 'react';
import { queryFeatureActs } from '../../session/queries';

/**
 * Feature j's activation on every row, fetched from the engine (cached) while `wanted`. `step`
 * tells evaluations of the same run apart (a paused run evaluated again has new codes). Rendered
 * as a transition (see useQuery).
 */
export function useFeatureActs(
  runId: string,
  step: number,
  feature: number | null,
  wanted: boolean,
) {
  const [acts, setActs] = useState<{ key: string; acts: Float32Array } | null>(null);
  const key = `${runId}:${step}:${feature}`;
  useEffect(() => {
    if (!wanted || feature === null) return;
    let live = true;
    queryFeatureActs(runId, feature).then(
      (v) => live && startTransition(() => setActs({ key, acts: v })),
      () => {},
    );
    return () => void (live = false);
  }, [runId, feature, wanted, key]);
  return acts?.key === key ? acts.acts : null;
}
