export function chromiumArgs(): string[];
export function findChromium(playwrightPath: string | undefined): string | null;
