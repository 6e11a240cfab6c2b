import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  createAppSession,
  type AppSession,
  type LoaderActions,
  type SweepActions,
} from '../session/appSession';
import { useAppStore } from '../store';
import { ComparePanel } from './ComparePanel';
import { DataPanel } from './DataPanel';
import { GpuPanel } from './GpuPanel';
import { GpuStatusBar } from './GpuStatusBar';
import { InspectPanel } from './InspectPanel';
import { SelfCheckPanel } from './SelfCheckPanel';
import { Tabs } from './Tabs';
import { TrainPanel } from './TrainPanel';

export function App() {
  const session = useRef<AppSession | null>(null);
  const [tab, setTab] = useState('data');
  const gpuStatus = useAppStore((s) => s.gpuStatus);

  useEffect(() => {
    const s = createAppSession();
    session.current = s;
    return () => {
      s.dispose();
      session.current = null;
    };
  }, []);

  // A feature page of any run, from Compare's links: select the run and feature, show Inspect.
  const openFeature = useCallback((runId: string, feature: number) => {
    const s = useAppStore.getState();
    s.selectRun(runId);
    s.selectFeature(feature);
    setTab('inspect');
  }, []);

  // The self-check runs once, the first time the GPU tab (where it shows) is open with a device:
  // not at start, where compiling its pipelines would delay a first training's own.
  const ranOnce = useRef(false);
  useEffect(() => {
    if (tab === 'gpu' && gpuStatus === 'ready' && !ranOnce.current) {
      ranOnce.current = true;
      session.current?.send({ type: 'selfcheck' });
    }
  }, [tab, gpuStatus]);

  // Stable callbacks into the session (which lives outside React, see appSession.ts).
  const send: AppSession['send'] = (r) => session.current?.send(r);
  const loader = useMemo<LoaderActions>(
    () => ({
      load: (files, tensor) => session.current?.loader.load(files, tensor) ?? Promise.resolve(),
      cancel: () => session.current?.loader.cancel(),
      answer: (value) => session.current?.loader.answer(value),
    }),
    [],
  );
  const sweeps = useMemo<SweepActions>(
    () => ({
      start: (plan) => session.current?.sweeps.start(plan),
      resume: (datasetId) => session.current?.sweeps.resume(datasetId),
      stop: () => session.current?.sweeps.stop(),
      clear: () => session.current?.sweeps.clear(),
    }),
    [],
  );
  return (
    <>
      <header className="top">
        <div>
          <h1>SoftSAE Explorer</h1>
          <p>
            Adaptive-sparsity sparse autoencoders, trained and explored on your own GPU. Nothing you
            load leaves this tab.
          </p>
        </div>
        <GpuStatusBar />
      </header>
      <main>
        <Tabs
          label="Sections"
          selected={tab}
          onSelect={setTab}
          tabs={[
            { id: 'data', label: 'Data', panel: <DataPanel loader={loader} /> },
            { id: 'train', label: 'Train', panel: <TrainPanel send={send} sweeps={sweeps} /> },
            {
              id: 'inspect',
              label: 'Inspect',
              panel: <InspectPanel send={send} active={tab === 'inspect'} />,
            },
            {
              id: 'compare',
              label: 'Compare',
              panel: <ComparePanel active={tab === 'compare'} onOpenFeature={openFeature} />,
            },
            {
              id: 'gpu',
              label: 'GPU',
              panel: (
                <div className="grid2">
                  <GpuPanel />
                  <SelfCheckPanel onRun={() => send({ type: 'selfcheck' })} />
                </div>
              ),
            },
          ]}
        />
      </main>
    </>
  );
}
