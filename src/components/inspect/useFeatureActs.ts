import { useEffect, useState } from 'react';
import { queryFeatureActs } from '../../session/queries';

/** Feature j's activation on every row, fetched from the engine (cached) while `wanted`. */
export function useFeatureActs(runId: string, feature: number | null, wanted: boolean) {
  const [acts, setActs] = useState<{ key: string; acts: Float32Array } | null>(null);
  const key = `${runId}:${feature}`;
  useEffect(() => {
    if (!wanted || feature === null) return;
    let live = true;
    queryFeatureActs(runId, feature).then(
      (v) => live && setActs({ key, acts: v }),
      () => {},
    );
    return () => void (live = false);
  }, [runId, feature, wanted, key]);
  return acts?.key === key ? acts.acts : null;
}
