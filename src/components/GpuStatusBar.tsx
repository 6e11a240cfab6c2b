import { adapterName } from '../store/gpuSlice';
import { useAppStore } from '../store';

const LABEL = {
  probing: 'WebGPU: looking for a GPU…',
  ready: 'WebGPU ready',
  unavailable: 'WebGPU unavailable',
  lost: 'GPU device lost',
} as const;

/** Always-visible WebGPU status; without WebGPU, how to enable it (reliability case 27). */
export function GpuStatusBar() {
  const status = useAppStore((s) => s.gpuStatus);
  const adapter = useAppStore((s) => s.adapter);
  const message = useAppStore((s) => s.gpuMessage);
  return (
    <div className="gpubar">
      <p className={`badge status-${status}`} data-testid="gpu.badge" aria-live="polite">
        {LABEL[status]}
        {status === 'ready' && adapter && <span className="muted"> · {adapterName(adapter)}</span>}
      </p>
      {status === 'unavailable' && (
        <section className="gpuhelp" data-testid="gpu.help" aria-labelledby="gpuhelp-title">
          <h2 id="gpuhelp-title">Training needs WebGPU, which this browser does not offer</h2>
          {message && <p className="muted">{message}</p>}
          <p>
            You can still load activation and token files and browse them in the Data tab. To train:
          </p>
          <ul>
            <li>
              Use a recent <strong>Chrome or Edge (113+)</strong>; Safari 26+ has WebGPU on by
              default; in Firefox Nightly set <code>dom.webgpu.enabled</code> in{' '}
              <code>about:config</code>.
            </li>
            <li>
              In Chrome, open <code>chrome://flags/#enable-unsafe-webgpu</code>, enable it and
              restart; check <code>chrome://gpu</code> for &quot;WebGPU: Hardware accelerated&quot;.
            </li>
            <li>
              On Linux start Chromium with <code>--enable-unsafe-webgpu</code> (add{' '}
              <code>--enable-features=Vulkan</code> for a hardware GPU).
            </li>
            <li>
              Remote desktops and some virtual machines have no GPU adapter; a software adapter
              (SwiftShader) works but is slow.
            </li>
          </ul>
        </section>
      )}
    </div>
  );
}
