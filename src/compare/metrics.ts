/**
 * The metrics `hvm compare` knows, their units and how manual sheets name them. Names
 * compared are the engine table's: `<metric>_<population>` (TVD_small, MFI_Q1_all, …) and
 * `flowClass` for per-vessel classes. Units follow the result contract
 * (schema/clip-result.schema.json) and the consensus (De Backer 2007; Ince 2018).
 */

export type MetricKind = 'continuous' | 'ordinal';
export type UnitFamily = 'density' | 'crossings' | 'percent' | 'score';
export type Population = 'small' | 'all';

export interface MetricDef {
  /** Base name as in the engine table, e.g. "TVD", "MFI_Q1", "flowClass". */
  base: string;
  label: string;
  /** Unit as printed in outputs. */
  unit: string;
  family: UnitFamily;
  kind: MetricKind;
  /** Allowed range (inclusive); null bound = open. */
  min: number;
  max: number | null;
  /** Scores must be whole numbers (quadrant scores, flow classes). */
  integer: boolean;
  /** Whether the metric exists per vessel population (small / all). */
  perPopulation: boolean;
  /** Normalised header spellings a manual sheet may use (see normalizeHeader). */
  aliases: string[];
}

const quadrant = (q: number): MetricDef => ({
  base: `MFI_Q${q}`, label: `MFI quadrant ${q} score`, unit: '0–3', family: 'score', kind: 'ordinal', min: 0, max: 3, integer: true, perPopulation: true,
  aliases: [`mfi_q${q}`, `mfiq${q}`, `q${q}`, `mfi_quadrant_${q}`, `mfi_quadrant${q}`, `quadrant_${q}`, `quadrant${q}`],
});

export const METRICS: readonly MetricDef[] = [
  { base: 'TVD', label: 'Total vessel density', unit: 'mm/mm²', family: 'density', kind: 'continuous', min: 0, max: null, integer: false, perPopulation: true, aliases: ['tvd', 'total_vessel_density'] },
  { base: 'PVD', label: 'Perfused vessel density', unit: 'mm/mm²', family: 'density', kind: 'continuous', min: 0, max: null, integer: false, perPopulation: true, aliases: ['pvd', 'perfused_vessel_density'] },
  { base: 'PPV', label: 'Proportion of perfused vessels', unit: '%', family: 'percent', kind: 'continuous', min: 0, max: 100, integer: false, perPopulation: true, aliases: ['ppv', 'proportion_of_perfused_vessels', 'proportion_perfused_vessels'] },
  { base: 'PPVCount', label: 'PPV by grid crossings', unit: '%', family: 'percent', kind: 'continuous', min: 0, max: 100, integer: false, perPopulation: true, aliases: ['ppvcount', 'ppv_count', 'ppv_crossings'] },
  { base: 'deBackerScore', label: 'De Backer score', unit: '1/mm', family: 'crossings', kind: 'continuous', min: 0, max: null, integer: false, perPopulation: true, aliases: ['debackerscore', 'debacker_score', 'de_backer_score', 'debacker', 'de_backer', 'dbs'] },
  { base: 'perfusedDeBackerScore', label: 'Perfused De Backer score', unit: '1/mm', family: 'crossings', kind: 'continuous', min: 0, max: null, integer: false, perPopulation: true, aliases: ['perfuseddebackerscore', 'perfused_debacker_score', 'perfused_de_backer_score', 'perfused_debacker', 'perfused_de_backer'] },
  { base: 'MFI', label: 'Microvascular flow index (quadrants)', unit: '0–3', family: 'score', kind: 'continuous', min: 0, max: 3, integer: false, perPopulation: true, aliases: ['mfi', 'microvascular_flow_index'] },
  { base: 'MFIVessel', label: 'MFI vessel by vessel', unit: '0–3', family: 'score', kind: 'continuous', min: 0, max: 3, integer: false, perPopulation: true, aliases: ['mfivessel', 'mfi_vessel', 'mfi_vbv', 'mfi_vessel_by_vessel'] },
  quadrant(1), quadrant(2), quadrant(3), quadrant(4),
  { base: 'flowClass', label: 'Per-vessel flow class', unit: 'class 0–3', family: 'score', kind: 'ordinal', min: 0, max: 3, integer: true, perPopulation: false, aliases: ['flowclass', 'flow_class', 'class'] },
];

/** Pooled quadrant scores (all four quadrants of every clip): one kappa over 4× the pairs. */
export const POOLED_QUADRANTS_BASE = 'MFI_Qall';

/**
 * Heterogeneity index of the site MFIs of one visit (Trzeciak 2007), a derived per-session
 * metric: it is not read from a column but computed, for each rater, from that rater's site
 * MFI (MFI_small / MFI_all) with src/metrics/session.ts heterogeneityIndex.
 */
export const HI_BASE = 'HI';

const HI_DEF: MetricDef = {
  base: HI_BASE, label: 'Heterogeneity index of site MFI', unit: 'ratio', family: 'score', kind: 'continuous', min: 0, max: null, integer: false, perPopulation: true, aliases: [],
};

/** Whether a compared metric id is the derived heterogeneity index (HI_small, HI_all). */
export function isHiMetric(id: string): boolean {
  return parseMetricId(id)?.def.base === HI_BASE;
}

export const POPULATIONS: readonly Population[] = ['small', 'all'];

/** The compared name: TVD + small → "TVD_small"; flowClass has no population. */
export function metricId(def: MetricDef, population: Population | null): string {
  return def.perPopulation ? `${def.base}_${population ?? 'small'}` : def.base;
}

/** The definition and population of a compared name ("TVD_small", "MFI_Q2_all", "flowClass", "MFI_Qall_small"); a per-population name without suffix means small vessels. */
export function parseMetricId(id: string): { def: MetricDef; population: Population | null } | null {
  const m = /^(.*)_(small|all)$/i.exec(id);
  const base = m ? m[1]! : id;
  const population = m ? (m[2]!.toLowerCase() as Population) : null;
  const def = base.toLowerCase() === POOLED_QUADRANTS_BASE.toLowerCase()
    ? { ...quadrant(1), base: POOLED_QUADRANTS_BASE, label: 'MFI quadrant scores, Q1–Q4 pooled', aliases: [] }
    : base.toLowerCase() === HI_BASE.toLowerCase()
      ? HI_DEF
      : METRICS.find((d) => d.base.toLowerCase() === base.toLowerCase());
  if (!def) return null;
  if (!def.perPopulation) return population === null ? { def, population: null } : null;
  return { def, population: population ?? 'small' };
}

export function findMetricByBase(base: string): MetricDef | undefined {
  return METRICS.find((d) => d.base.toLowerCase() === base.toLowerCase());
}
