export function chromiumArgs(): string[];
export function findChromium(playwrightPath: string | undefined): string | null;
export const FAST_COMPILE_ARGS: string[];
export function fastCompileEnv(): NodeJS.ProcessEnv;
export function swiftShaderVulkanEnv(): {
  LD_LIBRARY_PATH: string;
  VK_ICD_FILENAMES: string;
} | null;
