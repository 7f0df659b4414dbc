import type { BuildOptions, BuildResult } from 'esbuild'

export function bundleForNode(options: BuildOptions): Promise<BuildResult>
