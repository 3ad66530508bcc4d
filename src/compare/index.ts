/**
 * `hvm compare` as a library: agreement of the engine with manual scoring (and of the
 * observers with each other), change between time points, and the readers, statistics and
 * plots it is built from. Re-exported by src/index.ts.
 *
 *   import { runComparison } from 'hvm-engine';
 *   const { report } = await runComparison({ manual: ['obsA.csv', 'obsB.csv'], engine: 'study/', out: 'agreement/' });
 */
export { runComparison, type CompareOptions, type CompareOutcome } from './run.js';
export { AGREEMENT_SCHEMA_ID, buildReport, type AgreementReport } from './report.js';
export { agreementSectionHtml, agreementPageHtml, escapeHtml, AGREEMENT_SECTION_CSS, type AgreementJson } from './report-section.js';
export { plotFiles, slug, type PlotFiles } from './plot-paths.js';

// Reading inputs.
export { readManualScores, readManualSheet, defaultObserverName, mapNameToMetric } from './manual.js';
export { resolveHeader, type SheetLayout } from './manual-header.js';
export type { ManualScores, ManualSheet, ManualRecord, ManualColumn, ManualKey, ManualReadOptions, KeyLevel } from './manual.js';
export { readEngineInput, type EngineInput } from './engine-input.js';
export {
  ENGINE_TABLE_FILE, ENGINE_KEY_COLUMNS, ENGINE_TABLE_METRICS, engineTableColumns, engineTableRow, formatEngineTable,
  parseEngineTable, engineClipFromResult, engineClipName,
} from './engine-table.js';
export type { EngineClip, EngineClipKey, EngineTableRow } from './engine-table.js';
export { readTable, splitSheet, type Table, type TableRow, type Cell } from './table.js';
export { parseCsv, detectDelimiter, decodeText, type ParsedCsv, type CsvRecord, type Delimiter } from './csv.js';
export { readNumberCell, type NumberCell } from './numbers.js';
export { parseMetricHeader, keyOfHeader, normalizeHeader, splitUnit, KEY_ALIASES, type KeyName, type MetricHeader } from './columns.js';
// Renamed on export so the package's top level keeps unambiguous names.
export { METRICS as COMPARED_METRICS, POPULATIONS as VESSEL_POPULATIONS, POOLED_QUADRANTS_BASE, HI_BASE, isHiMetric, metricId, parseMetricId } from './metrics.js';
export type { MetricDef, MetricKind, Population, UnitFamily } from './metrics.js';
export { classifyUnit, checkUnit, type UnitClass, type UnitVerdict } from './units.js';
export { checkPpvFractions } from './ppv-fraction.js';

// Matching and analysis.
export { matchRatings, ENGINE as ENGINE_RATER, type Ratings, type RatedUnit } from './match.js';
export { computeAgreement, compareRaters, comparedMetrics, hiSessions, OBSERVERS_MEAN } from './agreement.js';
export type { Comparison, ComparisonType, MetricAgreement, ObserverSpread, Pair, AgreementOptions } from './agreement.js';
export { computeChange, orderTimepoints, type ChangeComparison, type ChangeOptions } from './change.js';

// Outputs.
export { formatAgreementCsv, formatChangeCsv, AGREEMENT_CSV_COLUMNS, notesOf } from './agreement-csv.js';
export { blandAltmanSvg } from './plots/bland-altman-plot.js';
export { scatterSvg } from './plots/scatter-plot.js';
export { svgToPng } from './plots/png.js';

// Errors.
export {
  CompareTableError, TableReadError, MissingKeyColumnError, MissingKeyValueError, DuplicateKeyError, NotANumberError,
  ValueOutOfRangeError, UnitMismatchError, UnitAmbiguousError, PpvFractionError, EngineInputError, NothingToCompareError,
  NoMetricColumnsError, MapColumnNotFoundError, columnLetter, type TablePlace,
} from './errors.js';

// Statistics.
export * from './stats/index.js';
