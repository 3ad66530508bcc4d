import { HvmError } from '../errors.js';

/**
 * The metrics were given impossible input (a NaN coordinate, a negative length, quadrant
 * lengths that do not add up, an empty region). This is a bug in the caller (analysis or
 * phantom), never a property of the clip, so the hint says where to look.
 */
export class MetricsInputError extends HvmError {
  constructor(message: string) {
    super('E_METRICS_INPUT', message, {
      hint: 'This is a bug in the code that built the metrics input (src/analysis or src/phantom); please report it with the clip.',
    });
  }
}
