import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CliServerOptions {
  inputs: Map<string, string>;
  outputs: Map<string, string>;
  root?: string;
  onWrote?: (path: string) => void;
}
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'unsatisfiable';
export function cliHandler(
  options: CliServerOptions,
): (req: IncomingMessage, res: ServerResponse) => void;
export function startCliServer(
  options: CliServerOptions,
): Promise<{ url: string; close: () => Promise<void> }>;
