/**
 * The one place the CLI meets the engine: the configuration becomes engine options, the files become
 * one program, and files the parser had to give up on come back with a reason.
 */
import { analyzeTexts, type AnalysisInput, type AnalysisResult } from '../analysis/program';
import { BUILTIN_LOCK_APIS, DEFAULT_CATALOGUE, LockApiCatalogue, type LockApi } from '../analysis/lockApis';
import type { LockorderConfig } from '../config';

export type { AnalysisInput, AnalysisResult };

/** The built-in catalogue plus the project's own lock functions from the config file. */
export function catalogueFor(config: LockorderConfig): LockApiCatalogue {
  if (!config.lockApis || config.lockApis.length === 0) return DEFAULT_CATALOGUE;
  const extra: LockApi[] = config.lockApis.map((entry) => {
    const builtin = BUILTIN_LOCK_APIS.find((api) => api.kind === entry.kind);
    return {
      name: entry.name,
      role: entry.role,
      kind: entry.kind,
      mode: entry.mode ?? 'exclusive',
      ctx: 'none',
      lockArg: entry.lockArg ?? 0,
      ...(entry.role === 'trylock' ? { success: 'nonzero' as const } : {}),
      ...(builtin?.recursive ? { recursive: true } : {}),
    };
  });
  return DEFAULT_CATALOGUE.extend(extra);
}

export function runEngine(inputs: AnalysisInput[], config: LockorderConfig): AnalysisResult {
  const { findings, graph, skipped } = analyzeTexts(inputs, {
    catalogue: catalogueFor(config),
    declaredOrders: config.declaredOrders ?? [],
  });
  return { findings, graph, skipped };
}
