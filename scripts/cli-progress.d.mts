export const PROGRESS_PREFIX: string;
export function formatEta(s: number | null): string;
export function progressLine(u: Record<string, unknown>): string;
export function progressRenderer(options: {
  mode: 'line' | 'json';
  stream: { write(s: string): unknown; isTTY?: boolean };
  lineIntervalMs?: number;
  now?: () => number;
}): {
  update(u: Record<string, unknown>): void;
  log(text: string): void;
  message(text: string): void;
  end(): void;
};
