/** The agreement statistics of `hvm compare`, one file each, each citing its source. */
export { lnGamma, betaIncReg, gammaIncReg } from './special.js';
export {
  normalCdf, normalSf, normalQuantile, tCdf, tSf, tTwoSidedP, tQuantile, fCdf, fSf, fQuantile,
  chiSquareCdf, chiSquareSf, chiSquareQuantile,
} from './distributions.js';
export { blandAltman, type BlandAltmanOptions, type BlandAltmanResult } from './bland-altman.js';
export { proportionalBias, type ProportionalBiasResult } from './proportional-bias.js';
export { icc, type IccResult, type IccEstimate } from './icc.js';
export { lin, type CccResult } from './ccc.js';
export { pearson, correlationInference, type CorrelationResult } from './pearson.js';
export { spearman } from './spearman.js';
export { averageRanks } from './ranks.js';
export { weightedKappa, weightedKappaFromTable, kappaWeights, type KappaWeights, type WeightedKappaResult } from './weighted-kappa.js';
export { pairedT, type PairedTResult } from './paired-t.js';
export { wilcoxonSignedRank, type WilcoxonResult, type WilcoxonOptions } from './wilcoxon.js';
export { pairedChange, type PairedChangeResult, type PairedChangeOptions, type MethodChange, type ChangeConclusion } from './paired-change.js';
