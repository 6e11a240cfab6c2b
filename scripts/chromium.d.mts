export function chromiumArgs(): string[];
export function findChromium(playwrightPath: string | undefined): string | null;
export const FAST_COMPILE_ARGS: string[];
export function fastCompileEnv(): NodeJS.ProcessEnv;
