import { useEffect, useRef } from 'react';
import { EngineClient } from '../workers/engineClient';
import { useAppStore } from '../store';
import { ComparePanel } from './ComparePanel';
import { GpuPanel } from './GpuPanel';
import { InspectPanel } from './InspectPanel';
import { SelfCheckPanel } from './SelfCheckPanel';
import { TrainPanel } from './TrainPanel';

export function App() {
  const engine = useRef<EngineClient | null>(null);
  const gpuStatus = useAppStore((s) => s.gpuStatus);

  useEffect(() => {
    const client = new EngineClient();
    engine.current = client;
    client.send({ type: 'probe' });
    return () => {
      client.terminate();
      engine.current = null;
    };
  }, []);

  // Run the self-check once, as soon as the engine has a device.
  const ranOnce = useRef(false);
  useEffect(() => {
    if (gpuStatus === 'ready' && !ranOnce.current) {
      ranOnce.current = true;
      engine.current?.send({ type: 'selfcheck' });
    }
  }, [gpuStatus]);

  return (
    <>
      <header className="top">
        <h1>SoftSAE Explorer</h1>
        <p>
          Adaptive-sparsity sparse autoencoders, trained and explored on your own GPU. Nothing you
          load leaves this tab.
        </p>
      </header>
      <main>
        <GpuPanel />
        <TrainPanel send={(r) => engine.current?.send(r)} />
        <SelfCheckPanel onRun={() => engine.current?.send({ type: 'selfcheck' })} />
        <InspectPanel send={(r) => engine.current?.send(r)} />
        <ComparePanel />
      </main>
    </>
  );
}
