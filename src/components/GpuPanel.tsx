import { useAppStore } from '../store';
import { adapterName } from '../store/gpuSlice';

/** Limits worth showing first: the ones that bound model and batch sizes. */
const KEY_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
];

function formatLimit(v: number): string {
  if (v >= 1 << 20 && v % (1 << 20) === 0) return `${v / (1 << 20)} MiB`;
  return v.toLocaleString('en-US');
}

/** WebGPU status: the adapter, its features and limits, or how to enable WebGPU. */
export function GpuPanel() {
  const status = useAppStore((s) => s.gpuStatus);
  const adapter = useAppStore((s) => s.adapter);
  const deviceFeatures = useAppStore((s) => s.deviceFeatures);
  const message = useAppStore((s) => s.gpuMessage);
  const errors = useAppStore((s) => s.gpuErrors);

  return (
    <section className="panel" aria-labelledby="gpu-title" data-testid="gpu.panel">
      <h2 id="gpu-title">WebGPU</h2>
      <p data-testid="gpu.status" className={`status status-${status}`}>
        {status === 'probing' && 'Looking for a GPU adapter…'}
        {status === 'ready' && 'Ready'}
        {status === 'unavailable' && 'WebGPU unavailable'}
        {status === 'lost' && 'GPU device lost'}
      </p>
      {message && (
        <p role="alert" data-testid="gpu.message">
          {message}
        </p>
      )}
      {adapter && (
        <>
          <dl className="facts">
            <dt>Adapter</dt>
            <dd data-testid="gpu.adapter">{adapterName(adapter)}</dd>
            <dt>Vendor / architecture</dt>
            <dd>
              {adapter.vendor || '—'} / {adapter.architecture || '—'}
            </dd>
            <dt>Engine features</dt>
            <dd data-testid="gpu.deviceFeatures">{deviceFeatures.join(', ') || 'none'}</dd>
          </dl>
          <details>
            <summary>All adapter features ({adapter.features.length})</summary>
            <p className="mono">{adapter.features.join(', ')}</p>
          </details>
          <table className="limits" data-testid="gpu.limits">
            <caption>Adapter limits</caption>
            <tbody>
              {KEY_LIMITS.filter((k) => k in adapter.limits).map((k) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td>{formatLimit(adapter.limits[k])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {errors.length > 0 && (
        <details open>
          <summary>GPU errors ({errors.length})</summary>
          <ul className="mono" data-testid="gpu.errors">
            {errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
