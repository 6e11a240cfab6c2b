import { useEffect, useRef, useState } from 'react';
import { downloadBlob, downloadText, svgMarkup, svgToPng } from '../../export/image';

/**
 * Mounts a chart built by a pure d3 function (a detached `<svg>`) and offers it for export as SVG
 * and PNG. The chart is rebuilt only when `build` changes (memoise it with its inputs).
 * `minHeight` keeps the layout from jumping while the chart is being built.
 */
export function ChartBox({
  name,
  label,
  build,
  testId,
}: {
  /** File name stem of the exports. */
  name: string;
  /** What the chart shows, for the export buttons' accessible names. */
  label: string;
  build: () => SVGSVGElement;
  testId: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Built in a task of its own after the commit: several charts mounting together then take
  // several short tasks instead of one long one.
  useEffect(() => {
    let node: SVGSVGElement | null = null;
    const t = setTimeout(() => {
      node = build();
      svg.current = node;
      host.current?.replaceChildren(node);
    });
    return () => {
      clearTimeout(t);
      node?.remove();
    };
  }, [build]);

  const exportPng = async () => {
    if (!svg.current) return;
    try {
      downloadBlob(await svgToPng(svg.current), `${name}.png`);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <figure className="chart" data-testid={testId}>
      <div ref={host} className="chart-host" />
      <figcaption className="chart-export">
        <button
          type="button"
          aria-label={`Export ${label} as SVG`}
          data-testid={`${testId}.svg`}
          onClick={() =>
            svg.current && downloadText(svgMarkup(svg.current), `${name}.svg`, 'image/svg+xml')
          }
        >
          SVG
        </button>
        <button
          type="button"
          aria-label={`Export ${label} as PNG`}
          data-testid={`${testId}.png`}
          onClick={() => void exportPng()}
        >
          PNG
        </button>
        {error && <span role="alert">{error}</span>}
      </figcaption>
    </figure>
  );
}
