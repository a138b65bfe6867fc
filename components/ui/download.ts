/** Files made in the browser (no server round trip): downloads and SVG → PNG. */

/** Saves `blob` as `fileName`. */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked after the click has been handled (an immediate revoke can cancel the download).
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Saves `text` as `fileName`. */
export function downloadText(fileName: string, text: string, mime = 'text/csv;charset=utf-8'): void {
  downloadBlob(fileName, new Blob([text], { type: mime }));
}

/**
 * Draws an SVG document on a white canvas at `scale` × its size (`width` × `height` in CSS px, or the
 * image's own size) and returns the PNG. Rejects when the browser cannot render the SVG.
 */
export async function svgToPng(svg: string, opts: { width?: number; height?: number; scale?: number } = {}): Promise<Blob> {
  const scale = opts.scale ?? 2;
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    img.decoding = 'sync';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the browser could not render the SVG'));
      img.src = url;
    });
    const width = opts.width ?? img.width;
    const height = opts.height ?? img.height;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas in this browser');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
