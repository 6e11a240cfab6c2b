/**
 * Chart export, all local (no network): the chart's own SVG serialised as a standalone file, and
 * a PNG rasterised from it by drawing the SVG (as a blob: URL) onto an offscreen canvas.
 */

/**
 * A standalone SVG document of a chart: a clone without the interactive brush layer, with the
 * SVG namespace and a fixed text colour (charts draw text in `currentColor`, which outside the
 * page would otherwise depend on the viewer).
 */
export function svgMarkup(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.querySelectorAll('.brush').forEach((el) => el.remove());
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('color', '#111');
  return new XMLSerializer().serializeToString(clone);
}

/** Rasterises a chart at `scale` × its width and height, on a white background. */
export async function svgToPng(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  const url = URL.createObjectURL(new Blob([svgMarkup(svg)], { type: 'image/svg+xml' }));
  try {
    const img = new Image(width, height);
    img.src = url;
    await img.decode();
    const canvas = new OffscreenCanvas(Math.round(width * scale), Math.round(height * scale));
    const g = canvas.getContext('2d');
    if (!g) throw new Error('no 2-D canvas context for the PNG export');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await canvas.convertToBlob({ type: 'image/png' });
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a blob under a file name (a temporary link to a blob: URL, clicked). */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked after the click has been handled, so the download can start from it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, filename: string, type: string): void {
  downloadBlob(new Blob([text], { type }), filename);
}
