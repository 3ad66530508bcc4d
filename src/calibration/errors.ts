import { HvmError } from '../errors.js';
import { deviceNames } from './profiles.js';

const SIDECAR_FORMAT = '{"umPerPx": N} or {"umPerPxX": X, "umPerPxY": Y}, optionally "smallVesselMaxUm"';

/** No calibration was given for a clip: every length, density and speed would be meaningless. */
export class CalibrationMissingError extends HvmError {
  constructor(clipPath: string) {
    super('E_CALIBRATION_MISSING', 'no calibration: every length, density and velocity depends on the µm per pixel.', {
      file: clipPath,
      hint:
        `Pass one of: --device NAME (one of ${deviceNames().join(', ')}), ` +
        `--um-per-px N (square pixels of N µm), or a sidecar file ${clipPath}.calibration.json containing ${SIDECAR_FORMAT}.`,
    });
  }
}

/** --device named a profile that does not exist. */
export class UnknownDeviceError extends HvmError {
  readonly device: string;
  constructor(device: string, clipPath?: string) {
    super('E_UNKNOWN_DEVICE', `unknown device "${device}".`, {
      ...(clipPath !== undefined ? { file: clipPath } : {}),
      hint: `Known devices: ${deviceNames().join(', ')}. Or pass --um-per-px N.`,
    });
    this.device = device;
  }
}

/** A calibration sidecar could not be read or does not hold a valid calibration. */
export class CalibrationSidecarError extends HvmError {
  constructor(sidecarPath: string, problem: string, cause?: unknown) {
    super('E_CALIBRATION_SIDECAR', `invalid calibration sidecar: ${problem}.`, {
      file: sidecarPath,
      hint: `A sidecar holds a JSON object ${SIDECAR_FORMAT}, all in µm and > 0.`,
      ...(cause !== undefined ? { cause } : {}),
    });
  }
}

/** A calibration option or the clip's geometry is not a usable number. */
export class CalibrationValueError extends HvmError {
  constructor(message: string, clipPath?: string) {
    super('E_CALIBRATION_INVALID', message, {
      ...(clipPath !== undefined ? { file: clipPath } : {}),
      hint: 'µm per pixel and the small-vessel threshold must be positive numbers of µm; width and height positive whole pixels.',
    });
  }
}
