/** The flow stage: space-time diagrams along vessel paths → RBC velocity, stops, flow class. */
export { createFlowMeasurer, type FlowMeasurer, type FlowMeasurerOptions } from './measurer.js';
export { DEFAULT_FLOW_PARAMS, resolveFlowParams, type FlowParams } from './params.js';
export { estimateFlow, usableColumns, type FlowEstimate, type StdRows } from './estimate.js';
export { samplePath, type PathSamples } from './path-samples.js';
export type { FlowFrame, FlowPath, SpaceTimeDiagram, VesselFlow } from './types.js';
export { gateStopByContrast } from './lumen-contrast.js';
export { lumenContrast } from '../analysis/lumen-contrast.js';
