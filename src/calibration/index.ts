export { DEVICE_PROFILES, deviceNames, findDeviceProfile } from './profiles.js';
export type { DeviceProfile, NativeFrame } from './profiles.js';
export { resolveCalibration, sidecarCandidates, SHAPE_TOLERANCE, PLAUSIBLE_UM_PER_PX } from './resolve.js';
export type {
  Calibration,
  CalibrationRequest,
  CalibrationSource,
  CalibrationWarning,
  SampleAspectRatioInput,
} from './resolve.js';
export { CalibrationMissingError, UnknownDeviceError, CalibrationSidecarError, CalibrationValueError } from './errors.js';
